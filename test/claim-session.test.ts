// A claim that names a worker session checks the session inside the claim statement
// (store/intents.ts, LIVE_SLOTS): a dead session's claim leases nothing, and the session
// is read on its own only to answer a claim that got nothing (or is about to wait), with
// the same error as before. Every statement the app runs is recorded to count them.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Axme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Caller } from '../src/core/caller.ts';
import { claimIntents } from '../src/store/intents.ts';
import { useRecordedApp } from './helpers/recording.ts';
import { post } from './helpers/live.ts';

const clock = new ManualClock(new Date());
const c: Caller = { namespace: 'default', principal: null };
// a long poll interval: a long poll that wrongly waits first is seen waiting
const t = useRecordedApp({ AXME_CLAIM_POLL_MS: '5000' }, clock);
let app: Axme;
let url: string;
beforeAll(() => {
  app = t.app;
  url = t.running.url;
});

let n = 0;
const uniqueType = () => `claim-session.t${++n}.${Date.now()}`;
const isClaim = (sql: string) => sql.includes('axme_claim_candidates');
const isSessionRead = (sql: string) => /from worker_sessions where namespace = \$1 and id = \$2/.test(sql);

const register = async (type: string) => (await app.services.workers.register(c, { name: 'w', types: [type] })).session.id;
const submit = async (type: string) => (await app.services.intents.submit(c, { type })).id;
const claimOverHttp = (input: Record<string, unknown>) =>
  post(url, `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id } } }`, { i: input });

describe('a claim naming a worker session', () => {
  it('is refused for an ended session with the same error as before, and leases nothing: another worker takes the intent', async () => {
    const type = uniqueType();
    const dead = await register(type);
    await app.services.workers.stop(c, dead);
    const id = await submit(type);

    const refused = await claimOverHttp({ types: [type], workerId: dead });
    expect(refused.data?.claimIntent ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: `worker session ${dead} is STOPPED; register the worker again`,
      extensions: { code: 'CONFLICT' },
    });
    const many = await post(url, `mutation($i: ClaimIntentsInput!) { claimIntents(input: $i) { token } }`, { i: { types: [type], limit: 5, workerId: dead } });
    expect(many.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    const unknown = '0190a0a0-0000-7000-8000-000000000000';
    const missing = await claimOverHttp({ types: [type], workerId: unknown });
    expect(missing.errors?.[0]).toMatchObject({ message: `worker session ${unknown} not found`, extensions: { code: 'NOT_FOUND' } });

    const untouched = (await app.services.intents.get(c, id))!;
    expect(untouched).toMatchObject({ status: 'PENDING', attempt: 0, leaseToken: null, leaseWorker: null });
    const live = await register(type);
    const lease = (await app.services.intents.claim(c, { types: [type], workerId: live }))!;
    expect(lease.intent).toMatchObject({ id, attempt: 1, leaseWorker: live });
  });

  it('for an ended session answers a long poll at once, also when the types are idle and it would wait first', async () => {
    const type = uniqueType();
    const dead = await register(type);
    await app.services.workers.stop(c, dead);

    // the claim statement finds nothing, then the session read explains why
    let started = performance.now();
    const first = await claimOverHttp({ types: [type], workerId: dead, waitSeconds: 4 });
    expect(first.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(performance.now() - started).toBeLessThan(2000);

    // a claim without a session finds no work: the types are idle, and a long poll waits before any statement
    expect(await app.services.intents.claim(c, { types: [type] })).toBeNull();
    t.statements.length = 0;
    started = performance.now();
    const idle = await claimOverHttp({ types: [type], workerId: dead, waitSeconds: 4 });
    expect(idle.errors?.[0]).toMatchObject({ message: `worker session ${dead} is STOPPED; register the worker again`, extensions: { code: 'CONFLICT' } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(t.statements.filter(isClaim)).toHaveLength(0); // it took the wait-first path
  });

  it('that is dead does not mark the types idle: a live long poll right after it claims the waiting work at once', async () => {
    const type = uniqueType();
    const dead = await register(type);
    const live = await register(type);
    await app.services.workers.stop(c, dead);
    const id = await submit(type);
    await expect(app.services.intents.claim(c, { types: [type], workerId: dead })).rejects.toMatchObject({ code: 'CONFLICT' });
    const started = performance.now();
    const lease = await app.services.intents.claim(c, { types: [type], workerId: live, waitSeconds: 10 });
    expect(lease?.intent.id).toBe(id);
    expect(performance.now() - started).toBeLessThan(2000); // not after a 5 s poll interval
  });

  it('that a claim leased to a moment ago waits first on its next long poll without reading the session', async () => {
    const type = uniqueType();
    const live = await register(type);
    await submit(type);
    // two asked for, one there: the types are idle now, and the lease proved the session live
    expect(await app.services.intents.claimMany(c, { types: [type], workerId: live, limit: 2 })).toHaveLength(1);
    t.statements.length = 0;
    const waiting = app.services.intents.claim(c, { types: [type], workerId: live, waitSeconds: 10 });
    const id = await submit(type);
    expect((await waiting)?.intent).toMatchObject({ id, leaseWorker: live });
    expect(t.statements.filter(isSessionRead)).toHaveLength(0);
  });

  it('that is live leases with the claim statement alone: no separate session read', async () => {
    const type = uniqueType();
    const live = await register(type);
    const id = await submit(type);
    t.statements.length = 0;
    const lease = await app.services.intents.claim(c, { types: [type], workerId: live });
    expect(lease?.intent).toMatchObject({ id, leaseWorker: live });
    expect(t.statements.filter(isSessionRead)).toHaveLength(0);
    expect(t.statements).toHaveLength(1);
    expect(isClaim(t.statements[0]!)).toBe(true);

    // with no work left the session is read once, to tell "no work" from "session gone"
    t.statements.length = 0;
    expect(await app.services.intents.claim(c, { types: [type], workerId: live })).toBeNull();
    expect(t.statements.filter(isClaim)).toHaveLength(1);
    expect(t.statements.filter(isSessionRead)).toHaveLength(1);
  });
});

describe('one grouped claim statement', () => {
  it('leases nothing to a dead session\'s slots, and its slots hold back no intent from the live ones', async () => {
    const type = uniqueType();
    const dead = await register(type);
    const live = await register(type);
    await app.services.workers.stop(c, dead);
    // same run_at (a manual clock): claim order is by id
    const ids = [await submit(type), await submit(type), await submit(type)].sort();
    const claimed = await claimIntents(t.tdb.db, c.namespace, {
      types: [type], leaseSeconds: 60,
      agents: ['d', 'd', 'l', 'l', 'anon'],
      workers: [dead, dead, live, live, null],
    }, clock.now());
    expect(claimed.map((x) => x.slot)).toEqual([2, 3, 4]);
    expect(claimed.map((x) => [x.change.intent.id, x.change.intent.leaseAgent, x.change.intent.leaseWorker])).toEqual([
      [ids[0], 'l', live], [ids[1], 'l', live], [ids[2], 'anon', null],
    ]);
  });

  it('through concurrent claims that share a statement: the dead session\'s claim is refused, the live ones get their intents', async () => {
    const type = uniqueType();
    const dead = await register(type);
    const live = [await register(type), await register(type), await register(type)];
    await app.services.workers.stop(c, dead);
    const ids = new Set([await submit(type), await submit(type), await submit(type)]);
    t.statements.length = 0;
    // the first claim goes out alone; the three that arrive while it runs share the next statement
    const [a, refused, b, d] = await Promise.allSettled([
      app.services.intents.claim(c, { types: [type], workerId: live[0] }),
      app.services.intents.claim(c, { types: [type], workerId: dead }),
      app.services.intents.claim(c, { types: [type], workerId: live[1] }),
      app.services.intents.claim(c, { types: [type], workerId: live[2] }),
    ]);
    expect(t.statements.filter(isClaim)).toHaveLength(2);
    expect(t.statements.filter(isSessionRead)).toHaveLength(1); // only to answer the dead session's empty claim
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    const leases = [a, b, d].map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(leases.map((l) => l?.intent.leaseWorker)).toEqual(live);
    expect(new Set(leases.map((l) => l?.intent.id))).toEqual(ids);
  });
});
