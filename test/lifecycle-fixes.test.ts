/**
 * Transitions that must do the same thing whichever path leads to them: bulk and
 * single cancel, deadline and other failures, lease expiry and failIntent, and the
 * wake-ups that resume an attempt instead of starting a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEPER_ACTOR } from '../src/core/sweep.ts';
import { ok, testApp, type TestApp } from './helpers/app.ts';
import { CLAIM, REQUEST, RESOLVE, waitHelpers } from './helpers/waits.ts';

let t: TestApp;
let h: ReturnType<typeof waitHelpers>;
beforeAll(async () => {
  // server retry defaults without jitter, so runAt values are exact
  t = await testApp({ env: { AXME_RETRY_JITTER: '0', AXME_RETRY_INITIAL_INTERVAL_SECONDS: '7' } });
  h = waitHelpers(t);
});
afterAll(() => t.close());

const SLEEP = `mutation($input: SleepIntentInput!) { sleepIntent(input: $input) { id status } }`;
const sweep = () => t.app.sweeper.sweep();
const at = (secondsFromNow: number) => new Date(h.clock.now().getTime() + secondsFromNow * 1000).toISOString();
const CANCEL = `mutation($id: ID!) { cancelIntent(input: { id: $id, reason: "stop" }) { id status } }`;
const CANCEL_MANY = `mutation($f: BulkIntentFilter!) { cancelIntents(filter: $f, reason: "stop") { count } }`;
const WAIT_SIGNAL = `mutation($input: WaitForSignalInput!) { waitForSignal(input: $input) { id status } }`;
const WAIT_CHILDREN = `mutation($input: WaitForChildrenInput!) { waitForChildren(input: $input) { id status } }`;
type Ev = { kind: string; actor: string | null; status: string; data: Record<string, unknown> | null };
const events = async (id: string): Promise<Ev[]> => (await h.read(id)).events;

describe('the sweeper', () => {
  it('signs every change it makes with one actor, whether a lease expired or a timer woke an intent', async () => {
    const type = h.uniqueType();
    const { id: expiring } = await h.submit({ type });
    ok(await t.gql(CLAIM, { input: { types: [type], agent: 'a1', leaseSeconds: 5 } }));
    const { id: sleeping, token } = await h.running();
    ok(await t.gql(SLEEP, { input: { id: sleeping, leaseToken: token, until: at(5) } }));
    h.clock.advance(5_000);
    await sweep();
    const expired = (await events(expiring)).at(-1)!;
    const woke = (await events(sleeping)).at(-1)!;
    expect(expired).toMatchObject({ kind: 'LEASE_EXPIRED' });
    expect(woke).toMatchObject({ kind: 'RESUMED' });
    expect(expired.actor).toBe(woke.actor);
    expect(expired.actor).toBe(SWEEPER_ACTOR);
  });
});

/** What a cancel leaves behind, for comparing two ways of cancelling. */
async function cancelTrace(ids: { parent: string; child: string; waiter: string; grandparent: string }) {
  const row = async (id: string) => {
    const { rows } = await t.app.db.query<Record<string, unknown>>(
      `select status, waiting_for, wait_name, wake_at, lease_token from intents where id = $1`, [id]);
    const approvals = await t.app.db.query<{ status: string }>(`select status from approvals where intent_id = $1 order by created_at`, [id]);
    const last = (await events(id)).at(-1)!;
    return { ...rows[0], approvals: approvals.rows.map((a) => a.status), last: { kind: last.kind, from: last.data?.from, reason: last.data?.reason } };
  };
  return { parent: await row(ids.parent), child: await row(ids.child), waiter: await row(ids.waiter), grandparent: await row(ids.grandparent) };
}

describe('bulk cancel', () => {
  /**
   * A grandparent waiting for its only child (the parent); the parent waits for an
   * approval and has a child that waits for a signal with a timeout; a second intent
   * of the parent's type waits for a signal too.
   */
  async function family(label: string) {
    const type = h.uniqueType();
    const { id: grandparent } = await h.submit({ type: `${type}.gp` });
    const gp = await h.claim(`${type}.gp`);
    const { id: parent } = await h.submit({ type, labels: [label], parentId: grandparent });
    ok(await t.gql(WAIT_CHILDREN, { input: { id: grandparent, leaseToken: gp.token } }));
    const p = await h.claim(type);
    const { id: child } = await h.submit({ type: `${type}.child`, parentId: parent });
    const c = await h.claim(`${type}.child`);
    ok(await t.gql(WAIT_SIGNAL, { input: { id: child, leaseToken: c.token, name: 'go', timeoutSeconds: 60 } }));
    ok(await t.gql(REQUEST, { input: { id: parent, leaseToken: p.token, approval: { title: 'ok?' } } }));
    const { id: waiter } = await h.submit({ type: `${type}.w`, labels: [label] });
    const w = await h.claim(`${type}.w`);
    ok(await t.gql(WAIT_SIGNAL, { input: { id: waiter, leaseToken: w.token, name: 'go', timeoutSeconds: 60 } }));
    return { type, parent, child, waiter, grandparent };
  }

  it('does to each intent exactly what cancelIntent does: children, approvals, wait and a waiting parent follow', async () => {
    const one = await family('bulk-one');
    ok(await t.gql(CANCEL, { id: one.parent }));
    ok(await t.gql(CANCEL, { id: one.waiter }));
    const many = await family('bulk-many');
    expect(ok(await t.gql(CANCEL_MANY, { f: { label: ['bulk-many'] } })).cancelIntents.count).toBe(2);

    const single = await cancelTrace(one);
    expect(single).toMatchObject({
      parent: { status: 'CANCELLED', approvals: ['CANCELLED'] },
      child: { status: 'CANCELLED', wait_name: null, wake_at: null, last: { kind: 'CANCELLED', reason: 'parent cancelled', from: 'WAITING' } },
      waiter: { status: 'CANCELLED', waiting_for: null, wait_name: null, wake_at: null },
      grandparent: { status: 'PENDING', last: { kind: 'RESUMED' } },
    });
    const bulk = await cancelTrace(many);
    expect(bulk).toEqual(single);
    expect((await events(many.parent)).at(-1)!.data).toMatchObject({ reason: 'stop', bulk: true, from: 'WAITING' });
  });
});

describe('a deadline failure', () => {
  it('cancels the intent’s pending approvals and wakes its waiting parent in the same sweep', async () => {
    const type = h.uniqueType();
    const { id: parent } = await h.submit({ type: `${type}.parent` });
    const p = await h.claim(`${type}.parent`);
    const { id } = await h.submit({ type, parentId: parent, deadline: at(60) });
    ok(await t.gql(WAIT_CHILDREN, { input: { id: parent, leaseToken: p.token } }));
    const c = await h.claim(type);
    const approval = ok(await t.gql(REQUEST, { input: { id, leaseToken: c.token, approval: { title: 'ok?', assignees: ['alice'] } } })).requestApproval;
    h.clock.advance(60_000);
    const counts = await sweep();
    const failed = await h.read(id);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'DEADLINE_EXCEEDED' } });
    expect(failed.approvals).toMatchObject([{ id: approval.id, status: 'CANCELLED' }]);
    expect(await h.read(parent)).toMatchObject({ status: 'PENDING', lastWake: { kind: 'RESUMED', data: { wake: 'CHILDREN' } } });
    expect(counts['waiting-parents']).toBe(0); // woken by the deadline task, not the safety net
  });
});

describe('resolving an approval', () => {
  const REDRIVE = `mutation($f: BulkIntentFilter!) { redriveIntents(filter: $f) { count } }`;
  // an approval left PENDING after its intent moved on (as bulk cancel and deadlines used to leave them)
  const leavePending = (approvalId: string) =>
    t.app.db.query(`update approvals set status = 'PENDING', resolved_at = null where id = $1`, [approvalId]);

  it('refuses a decision the intent no longer waits for, cancels that approval, and leaves the current wait alone', async () => {
    const { id, type, token } = await h.running();
    const stale = ok(await t.gql(REQUEST, { input: { id, leaseToken: token, approval: { title: 'first ask' } } })).requestApproval;
    ok(await t.gql(CANCEL, { id }));
    expect(ok(await t.gql(REDRIVE, { f: { type: [type], status: ['CANCELLED'] } })).redriveIntents.count).toBe(1);
    await leavePending(stale.id);

    // waiting for a signal now: the old approval must not wake it
    let lease = await h.claim(type);
    ok(await t.gql(WAIT_SIGNAL, { input: { id, leaseToken: lease.token, name: 'go' } }));
    const r = await t.gql(RESOLVE, { input: { approvalId: stale.id, outcome: 'approve' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_WAITING_FOR_APPROVAL', approvalId: stale.id, status: 'WAITING', waitingFor: 'SIGNAL' });
    let read = await h.read(id);
    expect(read).toMatchObject({ status: 'WAITING', waitingFor: 'SIGNAL' });
    expect(read.approvals.find((a: { id: string }) => a.id === stale.id)).toMatchObject({ status: 'CANCELLED', outcome: null });

    // waiting for a second approval: only that one decides
    ok(await t.gql(`mutation($input: SignalIntentInput!) { signalIntent(input: $input) { id } }`, { input: { id, name: 'go' } }));
    lease = await h.claim(type);
    const current = ok(await t.gql(REQUEST, { input: { id, leaseToken: lease.token, approval: { title: 'second ask' } } })).requestApproval;
    await leavePending(stale.id);
    const again = await t.gql(RESOLVE, { input: { approvalId: stale.id, outcome: 'reject' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_WAITING_FOR_APPROVAL', waitingFor: 'APPROVAL' });
    expect((await h.read(id)).status).toBe('WAITING');
    ok(await t.gql(RESOLVE, { input: { approvalId: current.id, outcome: 'approve' } }));
    read = await h.read(id);
    expect(read).toMatchObject({ status: 'PENDING', lastWake: { kind: 'APPROVAL_RESOLVED', data: { approvalId: current.id, outcome: 'approve' } } });
  });
});

describe('an expired lease', () => {
  const POLICY = `mutation { setIntentTypePolicy(type: "TYPE", retry: { initialIntervalSeconds: 20, backoffCoefficient: 3, jitter: 0 }) { type } }`;
  const RUN_AT = `query($id: ID!) { intent(id: $id) { status runAt attempt events { kind data } } }`;
  const claimFor = async (type: string, leaseSeconds: number) =>
    ok(await t.gql(CLAIM, { input: { types: [type], agent: 'a1', leaseSeconds } })).claimIntent;

  it('waits out the retry backoff like a failed attempt: intent policy, then type policy, then the server’s', async () => {
    const type = h.uniqueType();
    ok(await t.gql(POLICY.replace('TYPE', type)));
    const { id: typed } = await h.submit({ type, maxAttempts: 3 });
    const { id: own } = await h.submit({ type, maxAttempts: 3, priority: 1, retry: { initialIntervalSeconds: 50, jitter: 0 } });
    const plainType = h.uniqueType();
    const { id: plain } = await h.submit({ type: plainType, maxAttempts: 3 });
    await claimFor(type, 5);
    await claimFor(type, 5);
    await claimFor(plainType, 5);
    h.clock.advance(5_000);
    await sweep();
    const read = async (id: string) => ok(await t.gql(RUN_AT, { id })).intent;
    for (const [id, delay] of [[own, 50], [typed, 20], [plain, 7]] as const) {
      const i = await read(id);
      expect(i).toMatchObject({ status: 'PENDING', runAt: at(delay) });
      expect(i.events.at(-1)).toMatchObject({ kind: 'LEASE_EXPIRED', data: { attempt: 1, runAt: at(delay) } });
    }
    expect(ok(await t.gql(CLAIM, { input: { types: [type, plainType] } })).claimIntent).toBeNull();
    h.clock.advance(20_000);
    const second = await claimFor(type, 5);
    expect(second.intent.id).toBe(typed);
    h.clock.advance(5_000);
    await sweep();
    expect(await read(typed)).toMatchObject({ status: 'PENDING', runAt: at(60), attempt: 2 }); // 20 × 3
  });
});

describe('a wait', () => {
  const FAIL = `mutation($input: FailIntentInput!) { failIntent(input: $input) { id status attempt } }`;
  const ATTEMPTS = `query($id: ID!) { intent(id: $id) { attempt attempts { number agent outcome } events { kind data } } }`;

  it('pauses the attempt instead of spending one: two waits and one failure with maxAttempts 2 go back to PENDING', async () => {
    const type = h.uniqueType();
    const { id } = await h.submit({ type, maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      const lease = await h.claim(type);
      // a time already past: WAITING and woken to PENDING in one go
      expect(ok(await t.gql(SLEEP, { input: { id, leaseToken: lease.token, until: at(0) } })).sleepIntent.status).toBe('PENDING');
    }
    const lease = await h.claim(type);
    const failed = ok(await t.gql(FAIL, { input: { id, leaseToken: lease.token, error: { message: 'flaky' } } })).failIntent;
    expect(failed).toMatchObject({ status: 'PENDING', attempt: 1 });
    let read = ok(await t.gql(ATTEMPTS, { id })).intent;
    expect(read.attempts).toEqual([{ number: 1, agent: 'agent-7', outcome: 'RETRY_SCHEDULED' }]);
    expect(read.events.filter((e: Ev) => e.kind === 'CLAIMED').map((e: Ev) => e.data)).toEqual([
      { agent: 'agent-7', attempt: 1, resumed: false },
      { agent: 'agent-7', attempt: 1, resumed: true },
      { agent: 'agent-7', attempt: 1, resumed: true },
    ]);

    h.clock.advance(7_000);
    const second = await h.claim(type);
    ok(await t.gql(SLEEP, { input: { id, leaseToken: second.token, until: at(60) } }));
    read = ok(await t.gql(ATTEMPTS, { id })).intent;
    expect(read.attempts).toEqual([
      { number: 1, agent: 'agent-7', outcome: 'RETRY_SCHEDULED' },
      { number: 2, agent: 'agent-7', outcome: 'WAITING' },
    ]);
    h.clock.advance(60_000);
    await sweep();
    await h.claim(type);
    read = ok(await t.gql(ATTEMPTS, { id })).intent;
    expect(read).toMatchObject({ attempt: 2, attempts: [{ number: 1 }, { number: 2, outcome: null }] });
    expect(read.events.at(-1)).toMatchObject({ kind: 'CLAIMED', data: { attempt: 2, resumed: true } });
  });
});

describe('Intent.signals', () => {
  const SIGNAL = `mutation($input: SignalIntentInput!) { signalIntent(input: $input) { id } }`;
  const SIGNALS = `query($id: ID!, $first: Int, $after: ID) { intent(id: $id) { signals(first: $first, after: $after) { id payload } } }`;

  it('pages oldest first, defaults to 100 and refuses a page above 500', async () => {
    const { id } = await h.submit({ type: h.uniqueType() });
    for (let i = 0; i < 105; i++) ok(await t.gql(SIGNAL, { input: { id, name: 'tick', payload: i } }));
    const page = async (first: number | null, after: string | null) =>
      ok(await t.gql(SIGNALS, { id, first, after })).intent.signals as { id: string; payload: number }[];
    const def = await page(null, null);
    expect(def.map((s) => s.payload)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const rest = await page(null, def.at(-1)!.id);
    expect(rest.map((s) => s.payload)).toEqual([100, 101, 102, 103, 104]);
    expect((await page(2, def[1]!.id)).map((s) => s.payload)).toEqual([2, 3]);
    const tooMany = await t.gql(SIGNALS, { id, first: 501 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
