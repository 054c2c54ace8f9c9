import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import {
  type Instance, REDIS_URL, RedisProcess, freePort, hasRedisServer, post, startInstance, testPrefix, until, wsClient, wsSubscribe,
} from './helpers/live.ts';

let tdb: TestDb | null = null;
let instances: Instance[] = [];
let clients: Client[] = [];
let redis: RedisProcess | null = null;
afterEach(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(instances.map((i) => i.running.shutdown()));
  await redis?.stop();
  await tdb?.close();
  tdb = null;
  instances = [];
  clients = [];
  redis = null;
});

/** A (writer) and B (reader): two instances on one Postgres when there is one, else the same embedded instance. */
async function pair(env: Record<string, string>): Promise<[Instance, Instance]> {
  tdb = await freshDb();
  const a = await startInstance(tdb.db, env);
  instances.push(a);
  if (!REAL_PG) return [a, a];
  const b = await startInstance(tdb.another(), env);
  instances.push(b);
  return [a, b];
}

const gql = async (url: string, query: string, variables?: unknown) => {
  const r = await post(url, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as any;
};
const submit = async (url: string, type: string) =>
  (await gql(url, `mutation($t: String!) { submitIntent(input: { type: $t }) { id } }`, { t: type })).submitIntent.id as string;
const EVENTS = `subscription($f: IntentEventFilter, $after: String) { intentEvents(filter: $f, after: $after) { cursor intentId seq kind } }`;

it.skipIf(!REAL_PG || !REDIS_URL)('a subscriber on instance B sees mutations made on instance A, in order; a claim on B wakes on a submit on A', async () => {
  // a long claim poll, so only the Redis wake-up can hand the claim its intent before the test's time runs out
  const prefix = testPrefix();
  const [a, b] = await pair({ REDIS_URL: REDIS_URL!, AXME_REDIS_PREFIX: prefix, AXME_CLAIM_POLL_MS: '60000', AXME_SUBSCRIPTION_POLL_MS: '60000' });
  await until(() => b.app.pubsub.healthy?.() === true && a.app.pubsub.healthy?.() === true, 10_000, 'redis');
  const first = await submit(a.url, 'x');
  const after = (await gql(b.url, `query($id: ID!) { intentEvents(intentId: $id) { cursor } }`, { id: first })).intentEvents[0].cursor;
  const c = wsClient(b.wsUrl);
  clients.push(c);
  const sub = wsSubscribe(c, EVENTS, { f: { types: ['x'] }, after });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await submit(a.url, 'x'));
  const got = [];
  for (let i = 0; i < 5; i++) got.push((await sub.next()).data.intentEvents.intentId);
  expect(got).toEqual(ids);
  await sub.close();

  const claim = post(b.url, `mutation { claimIntent(input: { types: ["wake"], waitSeconds: 60 }) { intent { id } } }`);
  // the claim is waiting once B subscribed to the work channel; then submit on A
  const probe = new Redis(REDIS_URL!);
  try {
    await until(async () => Number(((await probe.pubsub('NUMSUB', `${prefix}:axme:work:default`)) as [string, number])[1]) > 0, 10_000, 'claim to wait');
  } finally {
    probe.disconnect();
  }
  const id = await submit(a.url, 'wake');
  expect((await claim).data?.claimIntent.intent.id).toBe(id);
}, 30_000);

it.skipIf(!REAL_PG || !REDIS_URL)('intentChanged(statuses:) on B gets a run finished on A (read after its Redis message) and one finished on B (its own row)', async () => {
  // polls far apart: only the message (or, on B, the write itself) can bring the finished state in time
  const [a, b] = await pair({ REDIS_URL: REDIS_URL!, AXME_REDIS_PREFIX: testPrefix(), AXME_SUBSCRIPTION_POLL_MS: '60000' });
  await until(() => b.app.pubsub.healthy?.() === true && a.app.pubsub.healthy?.() === true, 10_000, 'redis');
  const c = wsClient(b.wsUrl);
  clients.push(c);
  const RESULT = `subscription($id: ID!) { intentChanged(id: $id, statuses: [COMPLETED, FAILED, CANCELLED]) { id status lastSeq output } }`;
  for (const [type, worker] of [['two.onA', a], ['two.onB', b]] as const) {
    const id = await submit(a.url, type);
    const sub = wsSubscribe(c, RESULT, { id });
    expect((await sub.next()).data.intentChanged).toMatchObject({ id, status: 'PENDING' });
    const { token } = (await gql(worker.url, `mutation($t: String!) { claimIntent(input: { types: [$t] }) { token } }`, { t: type })).claimIntent;
    await gql(worker.url, `mutation($id: ID!, $tok: ID!) { completeIntent(input: { id: $id, leaseToken: $tok, output: { on: $id } }) { id } }`, { id, tok: token });
    expect((await sub.next()).data.intentChanged).toEqual({ id, status: 'COMPLETED', lastSeq: 3, output: { on: id } });
    await sub.close();
  }
}, 30_000);

it.skipIf(!(await hasRedisServer()))('a Redis restart in the middle of a stream: mutations still succeed and the subscriber ends with every event once', async () => {
  redis = new RedisProcess(await freePort());
  await redis.start();
  const [a, b] = await pair({ REDIS_URL: redis.url, AXME_REDIS_PREFIX: testPrefix(), AXME_SUBSCRIPTION_POLL_MS: '50' });
  await until(() => b.app.pubsub.healthy?.() === true, 10_000, 'redis');
  const first = await submit(a.url, 'r');
  const after = (await gql(b.url, `query($id: ID!) { intentEvents(intentId: $id) { cursor } }`, { id: first })).intentEvents[0].cursor;
  const c = wsClient(b.wsUrl);
  clients.push(c);
  const sub = wsSubscribe(c, EVENTS, { f: { types: ['r'] }, after });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push(await submit(a.url, 'r'));
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await sub.next()).data.intentEvents.intentId);

  await redis.stop();
  await until(() => b.app.pubsub.healthy?.() === false, 10_000, 'redis to be seen down');
  for (let i = 0; i < 3; i++) ids.push(await submit(a.url, 'r'));
  // nothing is lost while Redis is away: B polls Postgres
  for (let i = 0; i < 3; i++) got.push((await sub.next()).data.intentEvents.intentId);

  await redis.start();
  await until(() => b.app.pubsub.healthy?.() === true && a.app.pubsub.healthy?.() === true, 20_000, 'redis to come back');
  for (let i = 0; i < 3; i++) ids.push(await submit(a.url, 'r'));
  for (let i = 0; i < 3; i++) got.push((await sub.next()).data.intentEvents.intentId);
  expect(got).toEqual(ids);
  await sub.close();
}, 60_000);
