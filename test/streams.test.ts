// Durable output streams over real servers: appends fenced by the lease, reads by
// index, a live subscription that resumes after a disconnect on the other instance
// with no gap and no duplicate, caps with their codes, and retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, REDIS_URL, post, startInstance, testPrefix, until, wsClient, wsSubscribe } from './helpers/live.ts';
import { appendStreams, readStream } from '../src/store/streams.ts';

let tdb: TestDb;
let a: Instance;
let b: Instance;
const clients: Client[] = [];
beforeAll(async () => {
  tdb = await freshDb();
  const env = {
    AXME_STREAM_MAX_CHUNKS: '50',
    AXME_STREAM_MAX_BYTES: '4096',
    ...(REDIS_URL ? { REDIS_URL, AXME_REDIS_PREFIX: testPrefix() } : {}),
  };
  a = await startInstance(tdb.db, env);
  // two instances on one PostgreSQL when there is one (B reads what A writes), else the one embedded instance
  b = REAL_PG ? await startInstance(tdb.another(), env) : a;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await a?.running.shutdown();
  if (b !== a) await b?.running.shutdown();
  await tdb?.close();
});

const gql = async (url: string, query: string, variables?: unknown) => {
  const r = await post(url, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as any;
};
const errorOf = async (url: string, query: string, variables?: unknown) => {
  const r = await post(url, query, variables);
  expect(r.errors, JSON.stringify(r.data)).toBeTruthy();
  return r.errors![0].extensions as { code: string; reason?: string };
};

let n = 0;
async function running(): Promise<{ id: string; token: string }> {
  const type = `streams.t${++n}.${Date.now()}`;
  const id = (await gql(a.url, `mutation($t: String!) { submitIntent(input: { type: $t }) { id } }`, { t: type })).submitIntent.id;
  const c = await gql(a.url, `mutation($t: String!) { claimIntent(input: { types: [$t], agent: "w" }) { token } }`, { t: type });
  return { id, token: c.claimIntent.token };
}
const APPEND = `mutation($i: AppendStreamInput!) { appendStream(input: $i) { stream from next } }`;
const append = (url: string, id: string, token: string, chunks: string[], stream = 'out') =>
  post(url, APPEND, { i: { id, leaseToken: token, stream, chunks } });
const READ = `query($id: ID!, $s: String!, $from: Int, $limit: Int) { intentStream(id: $id, stream: $s, from: $from, limit: $limit) { from chunks next length closed } }`;
const read = async (url: string, id: string, from = 0, limit?: number, stream = 'out') =>
  (await gql(url, READ, { id, s: stream, from, limit })).intentStream;
const complete = (id: string, token: string) =>
  gql(a.url, `mutation($id: ID!, $t: ID!) { completeIntent(input: { id: $id, leaseToken: $t, output: {} }) { status } }`, { id, t: token });
const SUB = `subscription($id: ID!, $s: String!, $from: Int) { intentStream(id: $id, stream: $s, from: $from) { from chunks next length closed } }`;

describe('appending and reading', () => {
  it('gives appended chunks dense indexes from 0 and reads them by index, on either instance', async () => {
    const { id, token } = await running();
    expect((await append(a.url, id, token, ['Hel', 'lo'])).data.appendStream).toEqual({ stream: 'out', from: 0, next: 2 });
    expect((await append(a.url, id, token, [', ', 'world'])).data.appendStream).toEqual({ stream: 'out', from: 2, next: 4 });
    await append(a.url, id, token, ['x'], 'log');
    expect(await read(b.url, id)).toEqual({ from: 0, chunks: ['Hel', 'lo', ', ', 'world'], next: 4, length: 4, closed: false });
    // a page may start and end inside an append's batch
    expect(await read(b.url, id, 1, 2)).toEqual({ from: 1, chunks: ['lo', ', '], next: 3, length: 4, closed: false });
    expect(await read(b.url, id, 4)).toEqual({ from: 4, chunks: [], next: 4, length: 4, closed: false });
    const streams = (await gql(b.url, `query($id: ID!) { intent(id: $id) { streams { name length bytes closed } } }`, { id })).intent.streams;
    // oldest first (both were created at the same instant of the test's clock: then by name)
    expect(streams).toEqual([{ name: 'log', length: 1, bytes: 1, closed: false }, { name: 'out', length: 4, bytes: 12, closed: false }]);
    // finishing the intent ends its streams; they stay readable
    await complete(id, token);
    expect(await read(b.url, id)).toMatchObject({ chunks: ['Hel', 'lo', ', ', 'world'], closed: true });
    // a stream nobody wrote reads as empty (closed once the intent finished)
    expect(await read(b.url, id, 0, undefined, 'never')).toEqual({ from: 0, chunks: [], next: 0, length: 0, closed: true });
  });

  it('keeps indexes dense and batches whole under concurrent appends', async () => {
    const { id, token } = await running();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, k) => append(k % 2 ? a.url : b.url, id, token, [`${k}a`, `${k}b`, `${k}c`])),
    );
    const page = await read(a.url, id, 0, 1000);
    expect(page.length).toBe(60);
    for (const r of results) {
      const { from, next } = r.data.appendStream;
      expect(next - from).toBe(3);
      const k = page.chunks[from].slice(0, -1);
      expect(page.chunks.slice(from, next)).toEqual([`${k}a`, `${k}b`, `${k}c`]);
    }
  });
});

it('bounds a page by bytes, with at least one chunk, so a reader pages on from `next`', async () => {
  const { id, token } = await running();
  await append(a.url, id, token, ['a'.repeat(300), 'b'.repeat(300), 'c'.repeat(300)]);
  const page = (from: number, maxBytes: number) => readStream(tdb.db, 'default', id, 'out', from, 100, maxBytes);
  expect(await page(0, 700)).toMatchObject({ from: 0, next: 2 });
  expect(await page(2, 700)).toMatchObject({ from: 2, next: 3, length: 3 });
  expect(await page(0, 10)).toMatchObject({ from: 0, next: 1 });
});

it('appends of many agents at once each land in their own stream, and a stale lease among them fails alone', async () => {
  const runs = await Promise.all(Array.from({ length: 12 }, () => running()));
  const results = await Promise.all(runs.flatMap(({ id, token }, k) => [
    append(k % 2 ? a.url : b.url, id, token, [`${k}:0`, `${k}:1`]),
    append(a.url, id, token, [`${k}:2`], 'side'),
    append(b.url, id, '00000000-0000-4000-8000-000000000000', ['never']),
  ]));
  for (const [k, { id }] of runs.entries()) {
    expect(results[3 * k]!.data.appendStream).toEqual({ stream: 'out', from: 0, next: 2 });
    expect(results[3 * k + 1]!.data.appendStream).toEqual({ stream: 'side', from: 0, next: 1 });
    expect(results[3 * k + 2]!.errors![0].extensions.code).toBe('LEASE_LOST');
    expect((await read(a.url, id)).chunks).toEqual([`${k}:0`, `${k}:1`]);
  }
});

it('writes a group of appends to distinct streams in one statement, leaving out the refused ones', async () => {
  const [r1, r2] = await Promise.all([running(), running()]);
  const item = (r: { id: string; token: string }, name: string, chunks: string[]) =>
    ({ ns: 'default', id: r.id, token: r.token, name, chunks, bytes: chunks.join('').length });
  await append(a.url, r1!.id, r1!.token, ['x']);
  const lengths = await appendStreams(tdb.db, [
    item(r1!, 'out', ['a', 'b']),
    item(r2!, 'out', ['c']),
    item({ id: r2!.id, token: '00000000-0000-4000-8000-000000000000' }, 'other', ['stale']),
    item(r2!, 'big', ['d'.repeat(5000)]),
  ], 4096, new Date());
  expect([...lengths.entries()].sort()).toEqual([[0, 3], [1, 1]]);
  expect((await read(a.url, r1!.id)).chunks).toEqual(['x', 'a', 'b']);
  expect((await read(a.url, r2!.id)).chunks).toEqual(['c']);
});

describe('fencing, caps and bad input', () => {
  it('refuses a stale lease (LEASE_LOST), a finished intent (CONFLICT) and a closed stream (STREAM_CLOSED)', async () => {
    const { id, token } = await running();
    expect(await errorOf(a.url, APPEND, { i: { id, leaseToken: '00000000-0000-4000-8000-000000000000', stream: 'out', chunks: ['x'] } }))
      .toMatchObject({ code: 'LEASE_LOST' });
    const closed = await post(a.url, `mutation($i: CloseStreamInput!) { closeStream(input: $i) { stream from next } }`, { i: { id, leaseToken: token, stream: 'out' } });
    expect(closed.data.closeStream).toEqual({ stream: 'out', from: 0, next: 0 });
    expect(await errorOf(a.url, APPEND, { i: { id, leaseToken: token, stream: 'out', chunks: ['x'] } })).toMatchObject({ code: 'CONFLICT', reason: 'STREAM_CLOSED' });
    expect(await read(b.url, id)).toEqual({ from: 0, chunks: [], next: 0, length: 0, closed: true });
    await complete(id, token);
    expect(await errorOf(a.url, APPEND, { i: { id, leaseToken: token, stream: 'other', chunks: ['x'] } })).toMatchObject({ code: 'CONFLICT' });
  });

  it('answers caps and malformed input with stable codes', async () => {
    const { id, token } = await running();
    const bad = (chunks: string[], stream = 'out') => errorOf(a.url, APPEND, { i: { id, leaseToken: token, stream, chunks } });
    expect(await bad([])).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await bad(Array(51).fill('x'))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await bad(['x'], 'no spaces')).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await bad(['nul\u0000'])).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await errorOf(a.url, READ, { id, s: 'out', from: -1 })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await errorOf(a.url, READ, { id: '00000000-0000-4000-8000-000000000000', s: 'out' })).toMatchObject({ code: 'NOT_FOUND' });
    // AXME_STREAM_MAX_BYTES=4096: the append that would pass it is refused whole, earlier chunks stay
    expect((await append(a.url, id, token, ['a'.repeat(4000)])).data.appendStream.next).toBe(1);
    expect(await bad(['b'.repeat(97)])).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', reason: 'STREAM_FULL' });
    expect((await append(a.url, id, token, ['c'.repeat(96)])).data.appendStream).toMatchObject({ from: 1, next: 2 });
    expect((await read(a.url, id)).length).toBe(2);
  });
});

describe('following a stream live', () => {
  it('sends the backlog, then live chunks; after a disconnect resumes on the other instance with no gap and no duplicate; ends when the intent finishes', async () => {
    const { id, token } = await running();
    await append(a.url, id, token, ['0', '1']);
    const first = wsClient(b.wsUrl);
    clients.push(first);
    const sub = wsSubscribe(first, SUB, { id, s: 'out', from: 0 });
    expect((await sub.next()).data.intentStream).toEqual({ from: 0, chunks: ['0', '1'], next: 2, length: 2, closed: false });
    await append(a.url, id, token, ['2']);
    await append(a.url, id, token, ['3', '4']);
    const seen: string[] = ['0', '1'];
    let next = 2;
    while (next < 5) {
      const p = (await sub.next()).data.intentStream;
      expect(p.from).toBe(next);
      seen.push(...p.chunks);
      next = p.next;
    }
    // the reader drops; the writer goes on
    await sub.close();
    await first.dispose();
    await append(a.url, id, token, ['5']);
    await append(a.url, id, token, ['6', '7']);
    const second = wsClient(a.wsUrl);
    clients.push(second);
    const again = wsSubscribe(second, SUB, { id, s: 'out', from: next });
    const writer = (async () => {
      for (let k = 8; k < 40; k++) await append(a.url, id, token, [String(k)]);
      await complete(id, token);
    })();
    let last: any;
    for (;;) {
      const r = await again.next();
      if (r === null) break;
      last = r.data.intentStream;
      expect(last.from).toBe(next);
      seen.push(...last.chunks);
      next = last.next;
    }
    await writer;
    expect(seen).toEqual(Array.from({ length: 40 }, (_, k) => String(k)));
    expect(last).toMatchObject({ next: 40, length: 40, closed: true });
  });

  it('answers a subscription to an unknown intent with NOT_FOUND, and ends at once on a finished stream read to its end', async () => {
    const c = wsClient(b.wsUrl);
    clients.push(c);
    const missing = wsSubscribe(c, SUB, { id: '00000000-0000-4000-8000-000000000000', s: 'out' });
    expect((await missing.next()).errors[0].extensions.code).toBe('NOT_FOUND');
    const { id, token } = await running();
    await append(a.url, id, token, ['only']);
    await complete(id, token);
    const done = wsSubscribe(c, SUB, { id, s: 'out', from: 1 });
    expect((await done.next()).data.intentStream).toEqual({ from: 1, chunks: [], next: 1, length: 1, closed: true });
    expect(await done.next()).toBeNull();
  });
});

describe('retention', () => {
  it('deletes the streams of intents finished longer ago than AXME_STREAM_RETENTION, not those still running', async () => {
    const old = await running();
    await append(a.url, old.id, old.token, ['gone']);
    await complete(old.id, old.token);
    const live = await running();
    await append(a.url, live.id, live.token, ['kept']);
    // eight days ago (retention is 7d): the finished intent and both streams' last writes
    await tdb.db.query(`update intents set finished_at = finished_at - interval '8 days' where id = $1`, [old.id]);
    await tdb.db.query(`update intent_streams set updated_at = updated_at - interval '8 days' where intent_id = any($1::uuid[])`, [[old.id, live.id]]);
    const counts = await a.app.sweeper.sweep();
    expect(counts['stream-retention']).toBeGreaterThanOrEqual(1);
    expect(await read(b.url, old.id)).toMatchObject({ chunks: [], length: 0, closed: true });
    expect((await read(b.url, live.id)).chunks).toEqual(['kept']);
  });
});

it.skipIf(!REAL_PG || !REDIS_URL)('wakes a reader on B through Redis, not polling', async () => {
  await until(() => a.app.pubsub.healthy?.() === true && b.app.pubsub.healthy?.() === true, 10_000, 'redis');
  const { id, token } = await running();
  const c = wsClient(b.wsUrl);
  clients.push(c);
  const sub = wsSubscribe(c, SUB, { id, s: 'out' });
  expect((await sub.next()).data.intentStream.chunks).toEqual([]);
  await append(a.url, id, token, ['ping']);
  expect((await sub.next()).data.intentStream.chunks).toEqual(['ping']);
  await sub.close();
});
