// Failure escalation on the paths that exhaust attempts without an agent's failIntent:
// an expired lease (the recovery sweep) and the lease of an ended worker session; the
// decision's timeout; and what does not escalate (cancel, a deadline). Manual clock,
// the sweeper runs when told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/core/clock.ts';
import { ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  t = await testApp({ env: { AXME_RETRY_JITTER: '0', AXME_RETRY_INITIAL_INTERVAL_SECONDS: '0', AXME_WORKER_SESSION_SECONDS: '5' } });
  clock = t.clock as ManualClock;
});
afterAll(() => t.close());

let n = 0;
const uniqueType = () => `esc.t${++n}`;
const ESCALATE = { onExhausted: 'ESCALATE' };
const FIELDS = `id status attempt maxAttempts waitingFor error { message code retryable }
  approvals { id type status description } events { kind status data } attempts { number outcome }`;
const submit = async (input: Record<string, unknown>) =>
  ok(await t.gql(`mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id } }`, { input })).submitIntent.id as string;
const claim = async (type: string, extra: Record<string, unknown> = {}) =>
  ok(await t.gql(`mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token intent { id attempt } } }`,
    { input: { types: [type], agent: 'a1', leaseSeconds: 30, ...extra } })).claimIntent;
const get = async (id: string) => ok(await t.gql(`query($id: ID!) { intent(id: $id) { ${FIELDS} } }`, { id })).intent;
const sweep = () => t.app.sweeper.sweep();
const resolve = (approvalId: string, outcome: string, data?: unknown) =>
  t.gql(`mutation($input: ResolveApprovalInput!) { resolveApproval(input: $input) { status result } }`, { input: { approvalId, outcome, data } });

describe('escalation from the sweeps', () => {
  it('an expired lease on the last attempt escalates; an intent with attempts left in the same sweep goes back to PENDING', async () => {
    const type = uniqueType();
    const last = await submit({ type, maxAttempts: 1, retry: ESCALATE });
    const more = await submit({ type, maxAttempts: 3, retry: ESCALATE });
    await claim(type);
    await claim(type);
    clock.advance(31_000);
    await sweep();
    const waiting = await get(last);
    expect(waiting).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', attempt: 1, error: { code: 'LEASE_EXPIRED' } });
    expect(waiting.events.at(-1)).toMatchObject({ kind: 'FAILURE_ESCALATED', data: { attempt: 1, agent: 'a1', expired: 'LEASE_EXPIRED' } });
    expect(waiting.attempts).toEqual([{ number: 1, outcome: 'FAILURE_ESCALATED' }]);
    expect(waiting.approvals).toMatchObject([{ type: 'axme.escalation', status: 'PENDING' }]);
    expect(waiting.approvals[0].description).toContain('LEASE_EXPIRED');
    expect(await get(more)).toMatchObject({ status: 'PENDING', error: { code: 'LEASE_EXPIRED' }, approvals: [] });

    // retry: the next claim is a new attempt, not a resumed one
    expect(ok(await resolve(waiting.approvals[0].id, 'retry')).resolveApproval.result).toEqual({ attempts: 1, maxAttempts: 2 });
    const claimed = [await claim(type), await claim(type)].map((l) => l.intent);
    expect(claimed.find((i) => i.id === last)).toMatchObject({ attempt: 2 });
  });

  it('a worker session that stops holding the last attempt escalates it', async () => {
    const type = uniqueType();
    const s = ok(await t.gql(`mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id } }`,
      { i: { name: 'w', types: [type], concurrency: 1 } })).registerWorker;
    const id = await submit({ type, maxAttempts: 1, retry: ESCALATE });
    await claim(type, { workerId: s.id });
    ok(await t.gql(`mutation($id: ID!) { stopWorker(input: { id: $id }) { status } }`, { id: s.id }));
    const waiting = await get(id);
    expect(waiting).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', error: { code: 'WORKER_SESSION_ENDED' } });
    expect(waiting.events.at(-1)).toMatchObject({ kind: 'FAILURE_ESCALATED', data: { released: 'LEASE_RELEASED', worker: s.id } });
  });

  it('a session lost to missed heartbeats escalates the same way (the sweep)', async () => {
    const type = uniqueType();
    const s = ok(await t.gql(`mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id } }`,
      { i: { name: 'w', types: [type], concurrency: 1 } })).registerWorker;
    const id = await submit({ type, maxAttempts: 1, retry: ESCALATE });
    await claim(type, { workerId: s.id, leaseSeconds: 600 });
    clock.advance(6_000);
    await sweep();
    expect(await get(id)).toMatchObject({ status: 'WAITING', error: { code: 'WORKER_SESSION_ENDED' } });
  });

  it('nobody decides before escalateTimeoutSeconds: the intent ends FAILED (APPROVAL_TIMED_OUT)', async () => {
    const type = uniqueType();
    const id = await submit({ type, maxAttempts: 1, retry: { ...ESCALATE, escalateTimeoutSeconds: 60 } });
    const lease = await claim(type);
    ok(await t.gql(`mutation($input: FailIntentInput!) { failIntent(input: $input) { status } }`,
      { input: { id, leaseToken: lease.token, error: { message: 'boom' } } }));
    expect((await get(id)).status).toBe('WAITING');
    clock.advance(59_000);
    await sweep();
    expect((await get(id)).status).toBe('WAITING');
    clock.advance(1_000);
    await sweep();
    const ended = await get(id);
    expect(ended).toMatchObject({ status: 'FAILED', error: { code: 'APPROVAL_TIMED_OUT' }, approvals: [{ status: 'TIMED_OUT' }] });
  });

  it('cancel and a deadline do not escalate: cancel ends the escalation, a deadline fails a running intent', async () => {
    const type = uniqueType();
    const id = await submit({ type, maxAttempts: 1, retry: ESCALATE });
    const lease = await claim(type);
    ok(await t.gql(`mutation($input: FailIntentInput!) { failIntent(input: $input) { status } }`,
      { input: { id, leaseToken: lease.token, error: { message: 'boom' } } }));
    ok(await t.gql(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { status } }`, { id }));
    expect(await get(id)).toMatchObject({ status: 'CANCELLED', approvals: [{ status: 'CANCELLED' }] });

    const late = await submit({ type, maxAttempts: 1, retry: ESCALATE, deadline: new Date(clock.now().getTime() + 10_000).toISOString() });
    await claim(type, { leaseSeconds: 600 });
    clock.advance(11_000);
    await sweep();
    expect(await get(late)).toMatchObject({ status: 'FAILED', error: { code: 'DEADLINE_EXCEEDED' }, approvals: [] });
  });
});
