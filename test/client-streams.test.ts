// The TypeScript SDK's streams: run.stream(name).write() batches tokens into few
// appends under the run's lease and is flushed before the run completes;
// client.stream(id, name) follows the stream live, from any index, to its end.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import * as ops from '../packages/client/src/generated/graphql.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, REDIS_URL, freePort, startInstance, testPrefix, until } from './helpers/live.ts';

let tdb: TestDb;
let a: Instance;
let b: Instance;
let env: Record<string, string> = {};
beforeAll(async () => {
  tdb = await freshDb();
  env = REDIS_URL ? { REDIS_URL, AXME_REDIS_PREFIX: testPrefix() } : {};
  a = await startInstance(tdb.db, env);
  b = REAL_PG ? await startInstance(tdb.another(), env) : a;
});
afterAll(async () => {
  await a?.running.shutdown();
  if (b !== a) await b?.running.shutdown();
  await tdb?.close();
});

it('a worker streams tokens on instance A; a reader on B gets every one, in order, and the stream ends with the run', async () => {
  const writer = createClient({ url: a.url });
  const reader = createClient({ url: b.url });
  const tokens = Array.from({ length: 300 }, (_, k) => `t${k} `);
  let release!: () => void;
  const halfway = new Promise<void>((r) => (release = r));
  const worker = writer.worker({ types: ['stream.sdk'], concurrency: 1 }, async (run) => {
    const out = run.stream('answer');
    for (const [k, t] of tokens.entries()) {
      await out.write(t);
      if (k === 149) {
        await out.flush();
        release();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { done: true };
  });
  // submitted where it is claimed: each test instance has its own frozen clock
  const { id } = await writer.submit({ type: 'stream.sdk' });
  await halfway;
  const pages: { from: number; next: number; chunks: string[] }[] = [];
  for await (const page of reader.stream(id, 'answer')) pages.push(page);
  await worker.stop();
  expect(pages.flatMap((p) => p.chunks)).toEqual(tokens);
  for (const [k, p] of pages.entries()) expect(p.from).toBe(k === 0 ? 0 : pages[k - 1]!.next);
  // batched: far fewer stored rows than tokens
  const { rows } = await tdb.db.query<{ n: number }>('select count(*)::int as n from intent_stream_chunks where intent_id = $1', [id]);
  expect(rows[0]!.n).toBeLessThan(30);
  expect((await reader.get(id))?.status).toBe('COMPLETED');
  // from an index, as after a reload: only what follows it
  const tail: string[] = [];
  for await (const page of reader.stream(id, 'answer', { from: 290 })) tail.push(...page.chunks);
  expect(tail).toEqual(tokens.slice(290));
  expect((await reader.readStream(id, 'answer', { from: 1, limit: 2 })).chunks).toEqual(tokens.slice(1, 3));
});

it('a failed append surfaces at flush(), and the run fails with it', async () => {
  const client = createClient({ url: a.url });
  const errors: unknown[] = [];
  const worker = client.worker({ types: ['stream.sdk.bad'], concurrency: 1, onError: (e) => errors.push(e) }, async (run) => {
    await run.stream('bad name').write('x');
    await run.stream('bad name').flush();
    return {};
  });
  const { id } = await client.submit({ type: 'stream.sdk.bad', maxAttempts: 1 });
  const done = await client.result(id);
  await worker.stop();
  expect(done.status).toBe('FAILED');
  expect(done.error?.code).toBe('BAD_USER_INPUT');
});

it('client.stream() resumes by itself when its server goes away and comes back, with nothing lost or repeated', async () => {
  const writer = createClient({ url: a.url });
  const { id } = await writer.submit({ type: 'stream.sdk.restart' });
  const [lease] = await writer.claimMany({ types: ['stream.sdk.restart'], limit: 1, leaseSeconds: 600 });
  const out = (chunks: string[]) => writer.request(ops.AppendStreamDocument, { input: { id, leaseToken: lease!.token, stream: 'out', chunks } });
  // the reader's own server, on a port it can come back on (another pool on the same database when there is one)
  const port = await freePort();
  const db = () => (REAL_PG ? tdb.another() : tdb.db);
  let c = await startInstance(db(), { ...env, PORT: String(port) });
  const reader = createClient({ url: c.url });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const page of reader.stream(id, 'out')) seen.push(...page.chunks);
  })();
  await out(['0', '1']);
  await until(() => seen.length === 2, 10_000, 'the first chunks');
  await c.running.shutdown();
  await out(['2', '3']);
  c = await startInstance(db(), { ...env, PORT: String(port) });
  await out(['4']);
  await writer.completeMany([{ id, leaseToken: lease!.token, output: {} }]);
  await reading;
  await c.running.shutdown();
  expect(seen).toEqual(['0', '1', '2', '3', '4']);
});

it('a writer faster than the network is held back and loses nothing: megabytes arrive whole and in order', async () => {
  const client = createClient({ url: a.url });
  const piece = (k: number) => String(k % 10).repeat(100_000);
  const worker = client.worker({ types: ['stream.sdk.big'], concurrency: 1 }, async (run) => {
    for (let k = 0; k < 25; k++) await run.stream('big').write(piece(k));
    return {};
  });
  const { id } = await client.submit({ type: 'stream.sdk.big' });
  let text = '';
  for await (const page of client.stream(id, 'big')) text += page.chunks.join('');
  await worker.stop();
  expect(text.length).toBe(2_500_000);
  expect(text).toBe(Array.from({ length: 25 }, (_, k) => piece(k)).join(''));
});
