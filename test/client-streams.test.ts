// The TypeScript SDK's streams: run.stream(name).write() batches tokens into few
// appends under the run's lease and is flushed before the run completes;
// client.stream(id, name) follows the stream live, from any index, to its end.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, REDIS_URL, startInstance, testPrefix } from './helpers/live.ts';

let tdb: TestDb;
let a: Instance;
let b: Instance;
beforeAll(async () => {
  tdb = await freshDb();
  const env: Record<string, string> = REDIS_URL ? { REDIS_URL, AXME_REDIS_PREFIX: testPrefix() } : {};
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
