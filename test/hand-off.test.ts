// A submit hands its intent to a claim waiting on the instance (services/hand-off.ts): the
// submit's own statement leases it to that claim when the claim would have taken it first,
// so no claim statement runs; in every other case the intent goes in PENDING and the claim
// goes on as before. Every statement the app runs is recorded to count claim t.statements.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Axme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Caller } from '../src/core/caller.ts';
import { useRecordedApp } from './helpers/recording.ts';
import { post } from './helpers/live.ts';

const clock = new ManualClock(new Date());
const c: Caller = { namespace: 'default', principal: null };
// a long poll interval: only a hand-off or an announcement wakes a waiting claim
const t = useRecordedApp({ AXME_CLAIM_POLL_MS: '60000' }, clock);
let app: Axme;
beforeAll(() => {
  app = t.app;
});

let n = 0;
const uniqueType = () => `hand-off.t${++n}.${Date.now()}`;
const isClaim = (sql: string) => sql.includes('axme_claim_candidates');
const intents = () => app.services.intents;

/** A claim that found nothing leaves its types idle: a long poll for them then waits at once, before any statement. */
async function idle(type: string, workerId?: string) {
  expect(await intents().claim(c, { types: [type], ...(workerId ? { workerId } : {}) })).toBeNull();
}

describe('a submit with a claim waiting for its type', () => {
  it('leases the intent to the claim in its own statement: SUBMITTED then CLAIMED, and no claim statement', async () => {
    const type = uniqueType();
    await idle(type);
    t.statements.length = 0;
    const waiting = intents().claim(c, { types: [type], agent: 'w1', waitSeconds: 10, leaseSeconds: 30 });
    const submitted = await intents().submit(c, { type, input: { q: 1 } });
    expect(submitted).toMatchObject({ status: 'RUNNING', attempt: 1, leaseAgent: 'w1', lastSeq: 2 });
    const lease = (await waiting)!;
    expect(lease.intent.id).toBe(submitted.id);
    expect(lease.expiresAt.getTime() - clock.now().getTime()).toBe(30_000);
    expect(t.statements.filter(isClaim)).toHaveLength(0);
    expect(t.statements).toHaveLength(1); // the submit, which leased it
    const events = await intents().events(c, submitted.id, 0, 10);
    expect(events.map((e) => [e.seq, e.kind, e.status, e.actor])).toEqual([[1, 'SUBMITTED', 'PENDING', null], [2, 'CLAIMED', 'RUNNING', 'w1']]);
    expect(events[1]!.data).toEqual({ agent: 'w1', attempt: 1, resumed: false });
    // an ordinary lease: the holder completes it
    expect(await intents().complete(c, submitted.id, lease.token, { ok: true })).toMatchObject({ status: 'COMPLETED', output: { ok: true } });
  });

  it('hands each of many concurrent submits to exactly one of many waiting claims', async () => {
    const type = uniqueType();
    await idle(type);
    t.statements.length = 0;
    const waiting = Array.from({ length: 5 }, (_, i) => intents().claim(c, { types: [type], agent: `w${i}`, waitSeconds: 10 }));
    const ids = (await Promise.all(Array.from({ length: 5 }, (_, i) => intents().submit(c, { type, input: { i } })))).map((x) => x.id);
    const leases = await Promise.all(waiting);
    expect(leases.map((l) => l!.intent.id).sort()).toEqual([...ids].sort());
    leases.forEach((l, i) => expect(l!.intent.leaseAgent).toBe(`w${i}`));
    expect(t.statements.filter(isClaim)).toHaveLength(0);
    for (const id of ids) {
      const claimed = (await intents().events(c, id, 0, 10)).filter((e) => e.kind === 'CLAIMED');
      expect(claimed).toHaveLength(1);
    }
  });

  it('hands the intent the claim takes first among those submitted together: the highest priority', async () => {
    const type = uniqueType();
    await idle(type);
    const waiting = intents().claim(c, { types: [type], waitSeconds: 10 });
    // the first submit goes alone at once; the two after it share the next statement
    const [, low, high] = await Promise.all([
      intents().submit(c, { type: uniqueType() }),
      intents().submit(c, { type, priority: 1 }),
      intents().submit(c, { type, priority: 9 }),
    ]);
    expect((await waiting)!.intent.id).toBe(high!.id);
    expect(high!.status).toBe('RUNNING');
    expect(low!.status).toBe('PENDING');
  });

  it('writes SUBMITTED before CLAIMED in the event feed’s order', async () => {
    const type = uniqueType();
    await idle(type);
    const waiting = intents().claim(c, { types: [type], waitSeconds: 10 });
    const { id } = await intents().submit(c, { type });
    await waiting;
    const { rows } = await t.tdb.db.query<{ seq: number }>('select seq from intent_events where intent_id = $1 order by id', [id]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('gives the lease back, the attempt not spent, when the claim’s caller went away as it was handed', async () => {
    const type = uniqueType();
    await idle(type);
    const gone = new AbortController();
    const waiting = intents().claim(c, { types: [type], waitSeconds: 10 }, gone.signal);
    const submitting = intents().submit(c, { type }); // takes the waiting claim at once
    gone.abort();
    expect(await waiting).toBeNull();
    const { id } = await submitting;
    expect(await intents().get(c, id)).toMatchObject({ status: 'PENDING', leaseToken: null });
    expect((await intents().claim(c, { types: [type] }))!.intent).toMatchObject({ id, attempt: 1 });
  });
});

describe('a submit hands nothing, and the intent goes in PENDING,', () => {
  it('when an intent the claim takes first is due: the claim takes that one', async () => {
    const type = uniqueType();
    const later = await intents().submit(c, { type, runAt: new Date(clock.now().getTime() + 10_000) });
    await idle(type); // not due yet
    const waiting = intents().claim(c, { types: [type], waitSeconds: 10 });
    clock.advance(20_000); // now it is, and nothing announced it
    const fresh = await intents().submit(c, { type });
    expect(fresh.status).toBe('PENDING');
    expect((await waiting)!.intent.id).toBe(later.id);
    expect((await intents().get(c, fresh.id))).toMatchObject({ status: 'PENDING', attempt: 0, leaseToken: null });
  });

  it('when its type is paused: the claim keeps waiting', async () => {
    const type = uniqueType();
    await app.services.operator.pauseType(c, type, 'maintenance');
    await idle(type);
    const waiting = intents().claim(c, { types: [type], waitSeconds: 1 });
    const paused = await intents().submit(c, { type });
    expect(paused.status).toBe('PENDING');
    expect(await waiting).toBeNull();
  });

  it('when it has a concurrency key or is not due yet', async () => {
    const type = uniqueType();
    await idle(type);
    const waiting = intents().claim(c, { types: [type], waitSeconds: 10 });
    const future = await intents().submit(c, { type, runAt: new Date(clock.now().getTime() + 60_000) });
    expect(future.status).toBe('PENDING');
    const keyed = await intents().submit(c, { type, concurrencyKey: 'k', concurrencyLimit: 1 });
    expect(keyed.status).toBe('PENDING');
    // the keyed one was announced, and the woken claim's own statement takes it
    expect((await waiting)!.intent.id).toBe(keyed.id);
  });

  it('when the claim’s worker session ended while it waited: the claim then gets the session’s error', async () => {
    const type = uniqueType();
    const session = (await app.services.workers.register(c, { name: 'w', types: [type] })).session.id;
    await intents().submit(c, { type });
    // a lease proves the session live and leaves the types idle: the next long poll waits at once
    expect(await intents().claimMany(c, { types: [type], workerId: session, limit: 2 })).toHaveLength(1);
    // the claim may read the session (and reject) before the submit below: its error is
    // caught at once, not left unhandled while the test awaits the stop and the submit
    const waiting = intents().claim(c, { types: [type], workerId: session, waitSeconds: 10 }).then(() => null, (e: unknown) => e);
    await app.services.workers.stop(c, session);
    const orphan = await intents().submit(c, { type });
    expect(orphan.status).toBe('PENDING');
    expect(await waiting).toMatchObject({ code: 'CONFLICT' });
    expect(await intents().get(c, orphan.id)).toMatchObject({ status: 'PENDING', attempt: 0, leaseWorker: null });
  });

  it('when its idempotency key answers an intent submitted before: the claim is handed nothing', async () => {
    const type = uniqueType();
    const first = await intents().submit(c, { type, idempotencyKey: 'same', input: { a: 1 } });
    const lease = (await intents().claim(c, { types: [type] }))!;
    await intents().complete(c, first.id, lease.token, null);
    await idle(type);
    const waiting = intents().claim(c, { types: [type], waitSeconds: 1 });
    const again = await intents().submit(c, { type, idempotencyKey: 'same', input: { a: 1 } });
    expect(again).toMatchObject({ id: first.id, status: 'COMPLETED' });
    expect(await waiting).toBeNull();
  });
});

it('hands an intent to a long poll over HTTP, whose answer is the lease', async () => {
  const type = uniqueType();
  await idle(type);
  t.statements.length = 0;
  const claim = post(t.running.url, `mutation($i: ClaimIntentsInput!) { claimIntents(input: $i) { token intent { id status attempt } } }`, { i: { types: [type], limit: 4, waitSeconds: 10 } });
  // the long poll is waiting once the instance holds it among its waiting claims
  type Waiting = { handTo: { types: string[] } };
  const waitingHere = () => [...((intents() as unknown as { handOff: { waiting: Map<string, Set<Waiting>> } }).handOff.waiting.get('default') ?? [])]
    .some((w) => w.handTo.types.includes(type));
  for (let i = 0; i < 500 && !waitingHere(); i++) await new Promise((r) => setTimeout(r, 10));
  const submitted = await intents().submit(c, { type });
  const r = await claim;
  expect(r.errors).toBeUndefined();
  expect(r.data.claimIntents).toEqual([{ token: expect.any(String), intent: { id: submitted.id, status: 'RUNNING', attempt: 1 } }]);
  expect(t.statements.filter(isClaim)).toHaveLength(0);
});
