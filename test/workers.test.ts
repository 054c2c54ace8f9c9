// Worker sessions over a listening server (issue 18): register, heartbeat, list and
// stop; the leases of a session that ends (lost to missed heartbeats, replaced by a
// restart with the same identity, stopped) go back at once; a worker that is only
// slow keeps them. Time is a manual clock and the sweeper runs when told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAxme, type Axme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { post } from './helpers/live.ts';

let tdb: TestDb;
let app: Axme;
let running: RunningServer;
let url: string;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_WORKER_SESSION_SECONDS: '5' });
  app = await createAxme(config, createLogger('silent'), { db: tdb.db, clock, startSweeper: false });
  running = await listen(app, createLogger('silent'));
  url = running.url;
});
afterAll(async () => {
  await running?.shutdown();
  await tdb?.close();
});

let n = 0;
const uniqueType = () => `workers.t${++n}.${Date.now()}`;

async function must<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await post<T>(url, query, variables);
  if (r.errors?.length || !r.data) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

const SESSION = `id status valid heartbeatSeconds sessionSeconds expiresAt worker { id identity name status }`;
const register = async (type: string, extra: Record<string, unknown> = {}) =>
  (await must(`mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { ${SESSION} } }`, {
    i: { name: 'w', host: 'test-host', sdk: 'test', sdkVersion: '0', types: [type], concurrency: 2, ...extra },
  })).registerWorker;
const heartbeat = async (id: string) =>
  (await must(`mutation($id: ID!) { heartbeatWorker(input: { id: $id }) { ${SESSION} } }`, { id })).heartbeatWorker;
const submit = async (type: string, extra: Record<string, unknown> = {}) =>
  (await must(`mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type, ...extra } })).submitIntent.id as string;
const claim = async (type: string, workerId: string | null) =>
  (await must(`mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id attempt worker { id } } } }`,
    { i: { types: [type], agent: 'a', leaseSeconds: 600, workerId } })).claimIntent;
const intent = async (id: string) =>
  (await must(`query($id: ID!) { intent(id: $id) { status attempt error { code } worker { id }
    events { kind status data } attempts { number outcome } } }`, { id })).intent;
const sweep = () => app.sweeper.sweep();

describe('worker sessions', () => {
  it('register, heartbeat, list with in-flight intents, stop', async () => {
    const type = uniqueType();
    const s = await register(type, { identity: 'list-me' });
    expect(s).toMatchObject({ status: 'CONNECTED', valid: true, sessionSeconds: 5, heartbeatSeconds: 1, worker: { identity: 'list-me', name: 'w' } });
    const id = await submit(type);
    const lease = await claim(type, s.id);
    expect(lease.intent).toMatchObject({ id, worker: { id: s.id } });

    clock.advance(3_000);
    expect(await heartbeat(s.id)).toMatchObject({ status: 'CONNECTED', valid: true });
    const { workers } = await must(`{ workers(filter: { status: [CONNECTED] }) { id name host sdk sdkVersion types concurrency status lastSeenAt inFlightCount inFlight { id } } }`);
    expect(workers.find((w: { id: string }) => w.id === s.id)).toMatchObject({
      host: 'test-host', sdk: 'test', types: [type], concurrency: 2, status: 'CONNECTED', inFlightCount: 1, inFlight: [{ id }], lastSeenAt: clock.now().toISOString(),
    });

    const stopped = (await must(`mutation($id: ID!) { stopWorker(input: { id: $id }) { status endReason inFlightCount } }`, { id: s.id })).stopWorker;
    expect(stopped).toEqual({ status: 'STOPPED', endReason: 'STOPPED', inFlightCount: 0 });
    // a lease the worker still held when it stopped goes back at once, its attempt spent
    expect(await intent(id)).toMatchObject({ status: 'PENDING', attempt: 1, worker: null, error: { code: 'WORKER_SESSION_ENDED' } });
    expect(await heartbeat(s.id)).toMatchObject({ status: 'STOPPED', valid: false });
  });

  it('a session without heartbeats is LOST after sessionSeconds and its leases go back at once', async () => {
    const type = uniqueType();
    const s = await register(type);
    const id = await submit(type);
    await claim(type, s.id);
    clock.advance(4_000);
    await sweep();
    expect((await intent(id)).status).toBe('RUNNING');
    clock.advance(1_000);
    await sweep();
    const back = await intent(id);
    expect(back).toMatchObject({ status: 'PENDING', attempt: 1 });
    expect(back.events.at(-1)).toMatchObject({ kind: 'LEASE_RELEASED', status: 'PENDING', data: { spent: true, worker: s.id } });
    expect(back.attempts).toEqual([{ number: 1, outcome: 'LEASE_RELEASED' }]);
    expect(await heartbeat(s.id)).toMatchObject({ status: 'LOST', valid: false });
    const refused = await post(url, `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token } }`, { i: { types: [type], workerId: s.id } });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    // a fresh session claims it straight away (no backoff: the worker died, the work did not fail)
    const again = await register(type);
    expect((await claim(type, again.id)).intent).toMatchObject({ id, attempt: 2 });
  });

  it('a restart announcing the same identity ends the old session and releases its leases at once', async () => {
    const type = uniqueType();
    const old = await register(type, { identity: 'host-a:research' });
    const id = await submit(type);
    await claim(type, old.id);
    const fresh = await register(type, { identity: 'host-a:research' });
    expect(fresh.id).not.toBe(old.id);
    expect(await heartbeat(old.id)).toMatchObject({ status: 'LOST', valid: false });
    expect((await must(`query($id: ID!) { worker(id: $id) { endReason } }`, { id: old.id })).worker.endReason).toBe('REPLACED');
    expect((await claim(type, fresh.id)).intent).toMatchObject({ id, attempt: 2, worker: { id: fresh.id } });
    // two different identities do not evict each other
    const other = await register(type, { identity: 'host-b:research' });
    expect(await heartbeat(fresh.id)).toMatchObject({ valid: true });
    expect(await heartbeat(other.id)).toMatchObject({ valid: true });
  });

  it('a worker that is only slow keeps its session and its leases', async () => {
    const type = uniqueType();
    const s = await register(type);
    const id = await submit(type);
    await claim(type, s.id);
    // the handler takes a minute; the SDK heartbeats the session on its own timer meanwhile
    for (let i = 0; i < 30; i++) {
      clock.advance(2_000);
      await heartbeat(s.id);
      await sweep();
    }
    expect(await intent(id)).toMatchObject({ status: 'RUNNING', worker: { id: s.id } });
  });

  it('a poison pill that kills every worker it reaches still ends FAILED after maxAttempts', async () => {
    const type = uniqueType();
    const id = await submit(type, { maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      const s = await register(type, { identity: 'crashy' });
      await claim(type, s.id);
    }
    await register(type, { identity: 'crashy' });
    expect(await intent(id)).toMatchObject({ status: 'FAILED', attempt: 2, error: { code: 'WORKER_SESSION_ENDED' } });
  });

  it('releaseIntent gives back unstarted work without spending an attempt', async () => {
    const type = uniqueType();
    const s = await register(type);
    const id = await submit(type);
    const lease = await claim(type, s.id);
    const released = (await must(`mutation($i: ReleaseIntentInput!) { releaseIntent(input: $i) { status attempt } }`, { i: { id, leaseToken: lease.token } })).releaseIntent;
    expect(released).toEqual({ status: 'PENDING', attempt: 0 });
    expect((await intent(id)).events.at(-1)).toMatchObject({ kind: 'LEASE_RELEASED', data: { spent: false } });
    expect((await claim(type, s.id)).intent.attempt).toBe(1);
    const stale = await post(url, `mutation($i: ReleaseIntentInput!) { releaseIntent(input: $i) { status } }`, { i: { id, leaseToken: lease.token } });
    expect(stale.errors?.[0]).toMatchObject({ extensions: { code: 'LEASE_LOST' } });
  });

  it('refuses bad input with stable codes', async () => {
    const bad = await post(url, `mutation { registerWorker(input: { name: "w", types: [] }) { id } }`);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const tiny = await post(url, `mutation { registerWorker(input: { name: "w", types: ["x"], sessionSeconds: 1 }) { id } }`);
    expect(tiny.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const missing = await post(url, `mutation { heartbeatWorker(input: { id: "0190a0a0-0000-7000-8000-000000000000" }) { id } }`);
    expect(missing.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    const notId = await post(url, `mutation { stopWorker(input: { id: "nope" }) { id } }`);
    expect(notId.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('/metrics counts connected workers', async () => {
    const type = uniqueType();
    await register(type);
    const text = await (await fetch(`${url.replace(/\/graphql$/, '')}/metrics`)).text();
    expect(Number(/^axme_workers_connected (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
  });

  it.runIf(REAL_PG)('instances sweeping at once release each lost session\'s leases exactly once', async () => {
    const other = await createAxme(loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_WORKER_SESSION_SECONDS: '5' }), createLogger('silent'), {
      db: tdb.another(), clock, startSweeper: false,
    });
    try {
      const type = uniqueType();
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const s = await register(type);
        ids.push(await submit(type));
        await claim(type, s.id);
      }
      clock.advance(6_000);
      await Promise.all([sweep(), other.sweeper.sweep(), sweep(), other.sweeper.sweep()]);
      for (const id of ids) {
        const i = await intent(id);
        expect(i.status).toBe('PENDING');
        expect(i.events.filter((e: { kind: string }) => e.kind === 'LEASE_RELEASED')).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });
});
