import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';
import { COMPLETE, waitHelpers } from './helpers/waits.ts';

let t: TestApp;
let h: ReturnType<typeof waitHelpers>;
beforeAll(async () => {
  t = await testApp();
  h = waitHelpers(t);
});
afterAll(() => t.close());

const WAIT_SIGNAL = `mutation($input: WaitForSignalInput!) { waitForSignal(input: $input) { id status waitingFor lease { agent } } }`;
const SIGNAL = `mutation($input: SignalIntentInput!) { signalIntent(input: $input) { id name payload consumedAt intent { status } } }`;
const WAIT_CHILDREN = `mutation($input: WaitForChildrenInput!) { waitForChildren(input: $input) { id status waitingFor } }`;
const SLEEP = `mutation($input: SleepIntentInput!) { sleepIntent(input: $input) { id status waitingFor } }`;
const CANCEL = `mutation($id: ID!) { cancelIntent(input: { id: $id }) { id status } }`;
const FAIL = `mutation($input: FailIntentInput!) { failIntent(input: $input) { id status } }`;
const CHILDREN = `query($id: ID!) { intent(id: $id) { children(first: 10) { totalCount nodes { id status output } } } }`;

const signal = async (id: string, name: string, payload?: unknown) => ok(await t.gql(SIGNAL, { input: { id, name, payload } })).signalIntent;

describe('signals', () => {
  it('from wait to resumed completion: other names are kept, the awaited one wakes the intent', async () => {
    const { id, type, token } = await h.running();
    const waiting = ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: token, name: 'paid', timeoutSeconds: 3600 } })).waitForSignal;
    expect(waiting).toEqual({ id, status: 'WAITING', waitingFor: 'SIGNAL', lease: null });

    expect(await signal(id, 'shipped', { n: 1 })).toMatchObject({ consumedAt: null, intent: { status: 'WAITING' } });
    const paid = await signal(id, 'paid', { amount: 5 });
    expect(paid).toMatchObject({ name: 'paid', payload: { amount: 5 }, intent: { status: 'PENDING' } });
    expect(paid.consumedAt).toBeTruthy();

    const read = await h.read(id);
    expect(read.signals.map((s: { name: string; payload: unknown }) => [s.name, s.payload])).toEqual([['shipped', { n: 1 }], ['paid', { amount: 5 }]]);
    expect(read.lastWake).toMatchObject({ kind: 'SIGNAL_RECEIVED', data: { wake: 'SIGNAL', name: 'paid' } });
    await h.resumeAndComplete(type, id);
    expect(await h.kinds(id)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED', 'WAITING', 'SIGNAL_RECEIVED', 'SIGNAL_RECEIVED', 'CLAIMED', 'COMPLETED']);
    // the timeout of a wait that ended does not fire later
    h.clock.advance(3600_000);
    await t.app.sweeper.sweep();
    expect((await h.read(id)).status).toBe('COMPLETED');
  });

  it('keeps a signal that arrives before the wait; the wait consumes it and the intent is PENDING at once', async () => {
    const { id, type, token } = await h.running();
    expect((await signal(id, 'approved', { by: 'webhook' })).consumedAt).toBeNull();
    const r = ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: token, name: 'approved' } })).waitForSignal;
    expect(r).toMatchObject({ status: 'PENDING', waitingFor: null, lease: null });
    const read = await h.read(id);
    expect(read.signals[0].consumedAt).toBeTruthy();
    expect(read.events.slice(-3).map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([
      ['SIGNAL_RECEIVED', 'RUNNING'], ['WAITING', 'WAITING'], ['RESUMED', 'PENDING'],
    ]);
    await h.resumeAndComplete(type, id);
  });

  it('two signals of one name: the first wakes this wait, the second is kept for the next', async () => {
    const { id, type, token } = await h.running();
    ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: token, name: 'tick' } }));
    await signal(id, 'tick', 1);
    await signal(id, 'tick', 2);
    const lease = await h.claim(type);
    const again = ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: lease.token, name: 'tick' } })).waitForSignal;
    expect(again.status).toBe('PENDING');
    expect((await h.read(id)).signals.every((s: { consumedAt: string | null }) => s.consumedAt)).toBe(true);
  });

  it('times out back to PENDING with WAIT_TIMED_OUT', async () => {
    const { id, type, token } = await h.running();
    ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: token, name: 'never', timeoutSeconds: 60 } }));
    h.clock.advance(60_000);
    await t.app.sweeper.sweep();
    expect(await h.read(id)).toMatchObject({ status: 'PENDING', lastWake: { kind: 'WAIT_TIMED_OUT', actor: 'axme:sweeper', data: { wake: 'TIMEOUT', name: 'never' } } });
    await h.resumeAndComplete(type, id);
  });

  it('refuses signals to finished or unknown intents and waits without the lease', async () => {
    const { id, token } = await h.running();
    expect(code(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: '01900000-0000-7000-8000-000000000000', name: 'x' } }))).toBe('LEASE_LOST');
    expect(code(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: token, name: 'bad name!' } }))).toBe('BAD_USER_INPUT');
    ok(await t.gql(COMPLETE, { input: { id, leaseToken: token } }));
    expect(code(await t.gql(SIGNAL, { input: { id, name: 'late' } }))).toBe('CONFLICT');
    expect(code(await t.gql(SIGNAL, { input: { id: '01900000-0000-7000-8000-000000000000', name: 'x' } }))).toBe('NOT_FOUND');
    expect((await h.read(id)).signals).toEqual([]);
  });
});

describe('children', () => {
  it('from fan-out to fan-in: the parent waits until every child is terminal, then resumes with their outputs', async () => {
    const { id, type, token } = await h.running();
    const childType = h.uniqueType();
    const kids = [await h.submit({ type: childType, parentId: id }), await h.submit({ type: childType, parentId: id })];
    const w = ok(await t.gql(WAIT_CHILDREN, { input: { id, leaseToken: token } })).waitForChildren;
    expect(w).toEqual({ id, status: 'WAITING', waitingFor: 'CHILDREN' });

    const l1 = await h.claim(childType);
    ok(await t.gql(COMPLETE, { input: { id: l1.intent.id, leaseToken: l1.token, output: { part: 1 } } }));
    expect((await h.read(id)).status).toBe('WAITING');
    const l2 = await h.claim(childType);
    ok(await t.gql(FAIL, { input: { id: l2.intent.id, leaseToken: l2.token, error: { message: 'no', retryable: false } } }));

    const read = await h.read(id);
    expect(read.status).toBe('PENDING');
    expect(read.lastWake).toMatchObject({ kind: 'RESUMED', data: { wake: 'CHILDREN', children: { COMPLETED: 1, FAILED: 1 } } });
    const children = ok(await t.gql(CHILDREN, { id })).intent.children;
    expect(children.totalCount).toBe(2);
    expect(children.nodes.map((c: { id: string }) => c.id).sort()).toEqual(kids.map((k) => k.id).sort());
    expect(children.nodes.find((c: { id: string }) => c.id === l1.intent.id)).toMatchObject({ status: 'COMPLETED', output: { part: 1 } });
    await h.resumeAndComplete(type, id);
  });

  it('goes straight to PENDING when every child is already terminal (or there are none)', async () => {
    const { id, token } = await h.running();
    const childType = h.uniqueType();
    const kid = await h.submit({ type: childType, parentId: id });
    ok(await t.gql(CANCEL, { id: kid.id }));
    expect(ok(await t.gql(WAIT_CHILDREN, { input: { id, leaseToken: token } })).waitForChildren.status).toBe('PENDING');
    const lonely = await h.running();
    expect(ok(await t.gql(WAIT_CHILDREN, { input: { id: lonely.id, leaseToken: lonely.token } })).waitForChildren.status).toBe('PENDING');
  });

  it('cancelling a parent cancels its unfinished children and grandchildren, not finished ones', async () => {
    const { id, token } = await h.running();
    const childType = h.uniqueType();
    const done = await h.submit({ type: childType, parentId: id });
    const l = await h.claim(childType);
    ok(await t.gql(COMPLETE, { input: { id: l.intent.id, leaseToken: l.token } }));
    const running = await h.submit({ type: childType, parentId: id });
    const runningLease = await h.claim(childType);
    const grandchild = await h.submit({ type: h.uniqueType(), parentId: running.id });
    ok(await t.gql(WAIT_CHILDREN, { input: { id, leaseToken: token } }));

    expect(ok(await t.gql(CANCEL, { id })).cancelIntent.status).toBe('CANCELLED');
    expect((await h.read(done.id)).status).toBe('COMPLETED');
    const cancelled = await h.read(running.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.events.at(-1)).toMatchObject({ kind: 'CANCELLED', data: { reason: 'parent cancelled', parentId: id, from: 'RUNNING' } });
    expect((await h.read(grandchild.id)).status).toBe('CANCELLED');
    // the child's agent learns on its next call
    expect(code(await t.gql(COMPLETE, { input: { id: running.id, leaseToken: runningLease.token } }))).toBe('CONFLICT');
  });

  it('a sweep wakes a parent whose last child ended by a path that does not wake it', async () => {
    const { id } = await h.running();
    const lease = ok(await t.gql(`mutation($t: [String!]!) { claimIntent(input: { types: $t }) { token } }`, { t: ['none'] })).claimIntent;
    expect(lease).toBeNull();
    const childType = h.uniqueType();
    const kid = await h.submit({ type: childType, parentId: id });
    const [row] = (await t.app.db.query<{ lease_token: string }>(`select lease_token from intents where id = $1`, [id])).rows;
    ok(await t.gql(WAIT_CHILDREN, { input: { id, leaseToken: row!.lease_token } }));
    // as a lease expiring for good would, without the parent's lock
    await t.app.db.query(`update intents set status = 'FAILED', finished_at = updated_at where id = $1`, [kid.id]);
    expect((await h.read(id)).status).toBe('WAITING');
    await t.app.sweeper.sweep();
    expect(await h.read(id)).toMatchObject({ status: 'PENDING', lastWake: { kind: 'RESUMED', actor: 'axme:sweeper' } });
  });
});

describe('timers', () => {
  it('from sleep to resumed completion: WAITING until the time, then PENDING via the sweeper', async () => {
    const { id, type, token } = await h.running();
    const until = new Date(h.clock.now().getTime() + 3600_000);
    const r = ok(await t.gql(SLEEP, { input: { id, leaseToken: token, until: until.toISOString(), checkpoint: { step: 'before-wait' } } })).sleepIntent;
    expect(r).toEqual({ id, status: 'WAITING', waitingFor: 'TIME' });
    h.clock.advance(3599_000);
    await t.app.sweeper.sweep();
    expect((await h.read(id)).status).toBe('WAITING');
    h.clock.advance(1_000);
    await t.app.sweeper.sweep();
    const read = await h.read(id);
    expect(read).toMatchObject({ status: 'PENDING', lastWake: { kind: 'RESUMED', actor: 'axme:sweeper', data: { wake: 'TIME' } } });
    expect(read.events.find((e: { kind: string }) => e.kind === 'WAITING')).toMatchObject({ actor: 'agent-7', waitingFor: 'TIME' });
    await h.resumeAndComplete(type, id);
  });

  it('a time already past leaves the intent PENDING at once', async () => {
    const { id, token } = await h.running();
    const r = ok(await t.gql(SLEEP, { input: { id, leaseToken: token, until: new Date(h.clock.now().getTime() - 1).toISOString() } })).sleepIntent;
    expect(r.status).toBe('PENDING');
  });
});
