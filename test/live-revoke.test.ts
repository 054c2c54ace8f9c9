/**
 * A revoked key ends its open streams (auth/revocations.ts): graphql-ws sockets close
 * with 4403, SSE streams end with UNAUTHENTICATED. On the instance that revoked it at
 * once; on another instance through Redis at once, and without Redis by the periodic
 * re-check of open streams' keys (AXME_KEY_RECHECK_MS).
 */
import { afterEach, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, REDIS_URL, post, sseSubscribe, startInstance, testPrefix, until, wsClient, wsSubscribe } from './helpers/live.ts';

let tdb: TestDb | null = null;
let instances: Instance[] = [];
let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(instances.map((i) => i.running.shutdown()));
  await tdb?.close();
  tdb = null;
  instances = [];
  clients = [];
});

/** Two instances on one database (on PGlite, one database object); each has its own pub/sub unless env names Redis. */
async function pair(env: Record<string, string>): Promise<[Instance, Instance]> {
  tdb = await freshDb();
  const a = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0', ...env });
  instances.push(a);
  const b = await startInstance(REAL_PG ? tdb.another() : tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0', ...env });
  instances.push(b);
  return [a, b];
}

const EVENTS = `subscription { intentEvents(filter: { types: ["revoke.t"] }) { intentId intent { input } } }`;

/** A viewer's WebSocket and SSE subscriptions on `on`, shown to be live: each has received one event. */
async function openStreams(on: Instance, admin: string, viewer: string) {
  const auth = { authorization: `Bearer ${viewer}` };
  const client = wsClient(on.wsUrl, auth);
  clients.push(client);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.on('closed', (e) => resolve(e as { code: number; reason: string })));
  const ws = wsSubscribe(client, EVENTS);
  const sse = sseSubscribe(on.url, EVENTS, undefined, auth);
  await until(() => on.app.live.openCount === 2, 10_000, 'both subscriptions');
  const id = await submit(on, admin, 'before');
  for (const reader of [ws, sse]) expect((await reader.next()).data.intentEvents).toEqual({ intentId: id, intent: { input: { mark: 'before' } } });
  return { closed, ws, sse };
}

const submit = async (on: Instance, secret: string, mark: string) =>
  (await post(on.url, `mutation($i: JSON) { submitIntent(input: { type: "revoke.t", input: $i }) { id } }`, { i: { mark } },
    { authorization: `Bearer ${secret}` })).data.submitIntent.id as string;

async function revoke(on: Instance, admin: string, keyId: string): Promise<void> {
  const r = await post(on.url, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: keyId }, { authorization: `Bearer ${admin}` });
  expect(r.data?.revokeApiKey.revokedAt).toBeTruthy();
}

/** After a revocation: the socket closed with 4403, the SSE stream ended with UNAUTHENTICATED, and nothing more came. */
async function expectEnded(streams: Awaited<ReturnType<typeof openStreams>>, on: Instance, admin: string): Promise<void> {
  expect(await streams.closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/revoked/) });
  const last = await streams.sse.next();
  expect(last.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'KEY_REVOKED' });
  expect(await streams.sse.next()).toBeNull();
  await until(() => on.app.live.openCount === 0, 10_000, 'the subscriptions to be gone');
  // an event after the revocation reaches nobody: the streams are gone, not just quiet
  await submit(on, admin, 'after');
  await streams.sse.close();
}

const keys = async (on: Instance) => ({
  admin: (await on.app.keys.create({ namespace: 'default', name: 'admin', role: 'admin' })).secret,
  viewer: await on.app.keys.create({ namespace: 'default', name: 'watcher', role: 'viewer' }),
});

it('revoking a key on the instance that serves its streams ends them at once', async () => {
  tdb = await freshDb();
  // a re-check so rare that only the revocation itself can end the streams within the test
  const inst = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0', AXME_KEY_RECHECK_MS: '3600000' });
  instances.push(inst);
  const { admin, viewer } = await keys(inst);
  const streams = await openStreams(inst, admin, viewer.secret);
  await revoke(inst, admin, viewer.key.id);
  await expectEnded(streams, inst, admin);
  const refused = await post(inst.url, `{ intents { totalCount } }`, undefined, { authorization: `Bearer ${viewer.secret}` });
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

it('another instance without Redis ends the streams of a revoked key at its next re-check', async () => {
  const [a, b] = await pair({ AXME_KEY_RECHECK_MS: '200' });
  const { admin, viewer } = await keys(a);
  const streams = await openStreams(b, admin, viewer.secret);
  await revoke(a, admin, viewer.key.id);
  await expectEnded(streams, b, admin);
});

it.skipIf(!REDIS_URL)('another instance hears of the revocation through Redis at once: streams ended, the key refused', async () => {
  const prefix = testPrefix();
  const [a, b] = await pair({ REDIS_URL: REDIS_URL!, AXME_REDIS_PREFIX: prefix, AXME_KEY_RECHECK_MS: '3600000' });
  await until(() => a.app.pubsub.healthy?.() === true && b.app.pubsub.healthy?.() === true, 10_000, 'redis');
  const { admin, viewer } = await keys(a);
  const streams = await openStreams(b, admin, viewer.secret);
  // B has just verified the key and caches it for 5 s (KEY_CACHE_MS): only the revocation can drop that
  expect((await post(b.url, `{ intents { totalCount } }`, undefined, { authorization: `Bearer ${viewer.secret}` })).errors).toBeUndefined();
  await revoke(a, admin, viewer.key.id);
  await expectEnded(streams, b, admin);
  const refused = await post(b.url, `{ intents { totalCount } }`, undefined, { authorization: `Bearer ${viewer.secret}` });
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
