/**
 * Issue 15's fan-out attack, scaled down: a viewer key opens a few WebSockets with
 * a hundred `intentEvents` subscriptions each, selecting a ~1 MB input several
 * times over through aliases, while ~1 MB intents are submitted. Before the
 * delivery budgets the server died of "JavaScript heap out of memory". The server
 * runs in a child with a bounded heap, at its default limits; it must survive with
 * its resident memory under a stated bound, close the greedy sockets with 4429, and
 * keep serving a well-behaved subscriber on another connection (WebSocket and SSE).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiKeys } from '../src/auth/keys.ts';
import { systemClock } from '../src/core/clock.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDb } from '../src/db/pglite.ts';
import { type ChildServer, startChildServer } from './helpers/child-server.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { post, sseSubscribe, until, wsClient, wsSubscribe } from './helpers/live.ts';

const MB = 1_000_000;
/** Intents submitted during the attack, each with an input of about 1 MB. */
const INTENTS = 6;
const METRICS_TOKEN = 'live-memory-operator-token';
/** Subscriptions per attacking socket (AXME_MAX_SUBSCRIPTIONS' default). */
const PER_SOCKET = 100;
/** Sockets selecting the input 4 times (4 MB a result): over the 16 MiB a connection may hold after 4 results. */
const GREEDY_SOCKETS = 3;
/**
 * Sockets selecting it 10 times (10 MB a result): each result over the 8 MiB an event may take. Each of their
 * subscriptions has its own variables, so none shares another's execution (the costlier case for the server).
 */
const OVERSIZE_SOCKETS = 3;
const HEAP_MB = 256;
/**
 * How far the server's resident set may grow above idle during the attack. The heap
 * may fill up to its cap before V8 collects (on a busy machine it does: +273 MB was
 * seen, against ~+100 MB alone); outside it, what the budgets let it hold here is
 * 3 greedy sockets × 16 MiB of socket buffers, plus PGlite's memory for the ~1 MB
 * rows. Before the budgets the heap ran out within two intents, and the buffers alone
 * would have been 3 sockets × 100 subscriptions × 4 MB per intent.
 */
const RSS_GROWTH_BOUND = (HEAP_MB + 128) * 1024 * 1024;

let tdb: TestDb | null = null;
let dir: string | null = null;
let server: ChildServer | null = null;
const secrets = { viewer: '', agent: '', admin: '' };

beforeAll(async () => {
  // keys are written before the server starts: on PostgreSQL into a fresh schema, on PGlite into its folder
  let env: Record<string, string>;
  if (REAL_PG) {
    tdb = await freshDb();
    await migrate(tdb.db);
    await createKeys(new ApiKeys(tdb.db, systemClock));
    const schema = (await tdb.db.query<{ s: string }>('select current_schema() as s')).rows[0]!.s;
    env = { DATABASE_URL: REAL_PG, AXME_DB_SCHEMA: schema };
  } else {
    dir = mkdtempSync(join(tmpdir(), 'axme-memory-'));
    const db = await createPgliteDb(dir);
    try {
      await migrate(db);
      await createKeys(new ApiKeys(db, systemClock));
    } finally {
      await db.close();
    }
    env = { AXME_DATA_DIR: dir };
  }
  server = await startChildServer({ ...env, AXME_AUTH: 'on', AXME_RATE_LIMIT: '0', AXME_METRICS_TOKEN: METRICS_TOKEN }, { maxOldSpaceMb: HEAP_MB });
});

afterAll(async () => {
  await server?.stop();
  await tdb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function createKeys(keys: ApiKeys): Promise<void> {
  for (const role of ['viewer', 'agent', 'admin'] as const) secrets[role] = (await keys.create({ namespace: 'default', name: `memory-${role}`, role })).secret;
}

/** A query selecting the intent's input `times` times through aliases; `$tag` adds a type nothing has. */
const aliased = (times: number) =>
  `subscription($tag: String!) { intentEvents(filter: { types: ["mem.big", $tag] }) { cursor ${Array.from({ length: times }, (_, i) => `a${i}: intent { input }`).join(' ')} } }`;

interface Attacker {
  closed: Promise<{ code: number; reason: string }>;
  /** `next` messages too big to parse here (results), and the small ones parsed (errors). */
  bigNext: number;
  small: { payload?: { errors?: { extensions?: Record<string, unknown> }[] } }[];
}

/** A socket that reads normally, with `n` subscriptions of `query` (the graphql-transport-ws protocol by hand). */
async function attack(query: string, n: number, o: { distinct: boolean }): Promise<Attacker> {
  const socket = new WebSocket(server!.wsUrl, 'graphql-transport-ws');
  const a: Attacker = {
    closed: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }))),
    bigNext: 0,
    small: [],
  };
  let acked = false;
  socket.on('message', (data: Buffer) => {
    // results of several MB are counted, not parsed, so the test's own process stays small
    if (data.length > 100_000) return void a.bigNext++;
    const m = JSON.parse(String(data));
    if (m.type === 'connection_ack') acked = true;
    else if (m.type === 'next') a.small.push(m);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secrets.viewer}` } }));
  await until(() => acked, 10_000, 'connection_ack');
  for (let i = 0; i < n; i++) {
    const variables = { tag: o.distinct ? `none-${i}` : 'none' };
    socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables } }));
  }
  return a;
}

async function openSubscriptions(): Promise<number> {
  // /metrics takes the operator's token, not an API key
  const res = await fetch(`${server!.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return Number(/^axme_subscriptions_open (\d+)/m.exec(await res.text())?.[1] ?? 0);
}

it('survives sockets × subscriptions × aliases of ~1 MB inputs: greedy sockets closed with 4429, oversize results refused, a well-behaved subscriber served', async () => {
  const greedy = await Promise.all(Array.from({ length: GREEDY_SOCKETS }, () => attack(aliased(4), PER_SOCKET, { distinct: false })));
  const oversize = await Promise.all(Array.from({ length: OVERSIZE_SOCKETS }, () => attack(aliased(10), PER_SOCKET, { distinct: true })));
  const auth = { authorization: `Bearer ${secrets.viewer}` };
  const wellBehaved = `subscription { intentEvents(filter: { types: ["mem.big"] }) { cursor intentId intent { input } } }`;
  const client = wsClient(server!.wsUrl, auth);
  const ws = wsSubscribe(client, wellBehaved);
  const sse = sseSubscribe(server!.url, wellBehaved, undefined, auth);
  const attackers = (GREEDY_SOCKETS + OVERSIZE_SOCKETS) * PER_SOCKET;
  await until(async () => (await openSubscriptions()) >= attackers + 2, 30_000, 'every subscription to open');
  // start-up (PGlite's initialisation above all) peaks higher than anything after it
  server!.resetPeak();
  const idle = server!.rss();

  const ids: string[] = [];
  for (let i = 0; i < INTENTS; i++) {
    const r = await post(server!.url, `mutation($i: JSON) { submitIntent(input: { type: "mem.big", input: $i }) { id } }`,
      { i: { n: i, text: 'x'.repeat(MB) } }, { authorization: `Bearer ${secrets.agent}` }).catch((err) => {
      throw new Error(`submit failed (${err}); the server ${server!.alive() ? 'runs' : 'died'}: ${server!.output()}`);
    });
    expect(r.errors).toBeUndefined();
    ids.push(r.data.submitIntent.id);
  }

  // the well-behaved subscribers get every event, input and all
  for (const reader of [ws, sse]) {
    const got = [];
    for (let i = 0; i < INTENTS; i++) got.push((await reader.next()).data.intentEvents);
    expect(got.map((e) => [e.intentId, e.intent.input.n, e.intent.input.text.length])).toEqual(ids.map((id, n) => [id, n, MB]));
  }

  // greedy sockets are closed with 4429 (RATE_LIMITED) after at most a connection's worth of results
  for (const g of greedy) {
    const { code, reason } = await g.closed;
    expect({ code, reason }).toMatchObject({ code: 4429, reason: expect.stringMatching(/RATE_LIMITED/) });
    expect(g.bigNext).toBeLessThanOrEqual(5);
  }
  // an oversize result is replaced by a PAYLOAD_TOO_LARGE error naming the event; the stream goes on
  await until(() => oversize.every((o) => o.small.length === INTENTS * PER_SOCKET), 30_000, 'an error for every oversize result');
  for (const o of oversize) {
    expect(o.bigNext).toBe(0);
    const errors = o.small.map((m) => m.payload!.errors![0]!.extensions!);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['PAYLOAD_TOO_LARGE']));
    expect(errors.every((e) => typeof e.cursor === 'string' && (e.bytes as number) > 10 * MB && e.limit === 8 * 1024 * 1024)).toBe(true);
  }

  expect(server!.alive(), server!.output()).toBe(true);
  expect((await fetch(`${server!.base}/healthz`)).status).toBe(200);
  const rss = server!.rss();
  console.log(`live-memory: RSS idle ${mb(idle?.now)} MB, peak during the attack ${mb(rss?.peak)} MB (growth bound ${mb(RSS_GROWTH_BOUND)} MB), heap cap ${HEAP_MB} MB`);
  if (idle && rss) expect(rss.peak - idle.now).toBeLessThan(RSS_GROWTH_BOUND);

  await ws.close();
  await sse.close();
  await client.dispose();
}, 120_000);

const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : Math.round(bytes / 1024 / 1024));
