import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';
import { REQUEST, RESOLVE, waitHelpers } from './helpers/waits.ts';

let t: TestApp;
let h: ReturnType<typeof waitHelpers>;
beforeAll(async () => {
  t = await testApp();
  h = waitHelpers(t);
});
afterAll(() => t.close());

const FORM = { type: 'object', properties: { amount: { type: 'number', maximum: 100 } }, required: ['amount'] };
const INBOX = `query($filter: ApprovalFilter, $first: Int, $after: String) { approvals(filter: $filter, first: $first, after: $after) {
  nodes { id status title } pageInfo { hasNextPage endCursor } } }`;

const request = async (id: string, token: string, approval: Record<string, unknown>) =>
  ok(await t.gql(REQUEST, { input: { id, leaseToken: token, approval: { title: 'Refund?', ...approval } } })).requestApproval;
const resolve = (input: Record<string, unknown>) => t.gql(RESOLVE, { input });

describe('approval from request to resumed completion', () => {
  it('waits without a lease, takes a validated decision once, and lets any agent resume from the checkpoint', async () => {
    const { id, type, token } = await h.running();
    const approval = await request(id, token, { assignees: ['alice'], formSchema: FORM, description: 'customer 42' });
    expect(approval).toMatchObject({
      status: 'PENDING', options: ['approve', 'reject'], assignees: ['alice'], requestedBy: 'agent-7', outcome: null, expiresAt: null,
      intent: { status: 'WAITING', waitingFor: 'APPROVAL', lease: null },
    });

    const inbox = async (assignee: string) => ok(await t.gql(INBOX, { filter: { status: ['PENDING'], assignee } })).approvals.nodes.map((a: { id: string }) => a.id);
    expect(await inbox('alice')).toContain(approval.id);
    expect(await inbox('bob')).not.toContain(approval.id);

    // an agent may not pose as the engine: axme.* approvals (budgets, escalations) act on the intent when answered
    const { id: other0, token: t0 } = await h.running();
    const spoof = await t.gql(REQUEST, { input: { id: other0, leaseToken: t0, approval: { title: 'raise?', type: 'axme.budget' } } });
    expect(code(spoof)).toBe('BAD_USER_INPUT');
    expect(spoof.errors![0]!.extensions).toMatchObject({ field: 'approval.type' });

    // refused decisions change nothing
    expect(code(await resolve({ approvalId: approval.id, outcome: 'maybe', data: { amount: 5 } }))).toBe('BAD_USER_INPUT');
    const bad = await resolve({ approvalId: approval.id, outcome: 'approve', data: { amount: 500 } });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions).toMatchObject({ field: 'data', errors: [{ path: '/amount' }] });
    expect(code(await resolve({ approvalId: approval.id, outcome: 'approve' }))).toBe('BAD_USER_INPUT');
    expect((await h.read(id)).status).toBe('WAITING');

    const decision = { approvalId: approval.id, outcome: 'approve', comment: 'fine', data: { amount: 50 }, resolvedBy: 'alice' };
    const resolved = ok(await resolve(decision)).resolveApproval;
    expect(resolved).toMatchObject({ status: 'RESOLVED', outcome: 'approve', comment: 'fine', data: { amount: 50 }, resolvedBy: 'alice' });
    // idempotent: the same decision again answers the same approval; another one is a CONFLICT
    expect(ok(await resolve({ ...decision, resolvedBy: 'alice-again' })).resolveApproval).toEqual(resolved);
    const other = await resolve({ ...decision, outcome: 'reject' });
    expect(code(other)).toBe('CONFLICT');
    expect(other.errors![0]!.extensions).toMatchObject({ status: 'RESOLVED', outcome: 'approve', resolvedBy: 'alice' });

    const woken = await h.read(id);
    expect(woken).toMatchObject({ status: 'PENDING', waitingFor: null, checkpoint: { step: 'before-wait' } });
    expect(woken.approvals[0]).toMatchObject({ id: approval.id, outcome: 'approve', data: { amount: 50 } });
    expect(woken.lastWake).toMatchObject({ kind: 'APPROVAL_RESOLVED', actor: 'alice', data: { wake: 'APPROVAL', approvalId: approval.id, outcome: 'approve' } });

    await h.resumeAndComplete(type, id);
    const events = (await h.read(id)).events;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED', 'APPROVAL_REQUESTED', 'APPROVAL_RESOLVED', 'CLAIMED', 'COMPLETED']);
    expect(events[3]).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', actor: 'agent-7' });
    expect(events[4]).toMatchObject({ status: 'PENDING', actor: 'alice' });
  });

  it('refuses an invalid form schema or a bad request with BAD_USER_INPUT and leaves the intent running', async () => {
    const { id, token } = await h.running();
    const bad = [
      { formSchema: { type: 'objekt' } },
      { formSchema: { properties: { a: { minimum: 'x' } } } },
      { options: [] },
      { onTimeout: 'ESCALATE', timeoutSeconds: 60 },
      { timeoutSeconds: 0 },
    ];
    for (const approval of bad) {
      const r = await t.gql(REQUEST, { input: { id, leaseToken: token, approval: { title: 'x', ...approval } } });
      expect(code(r), JSON.stringify(approval)).toBe('BAD_USER_INPUT');
    }
    expect((await h.read(id)).status).toBe('RUNNING');
    expect(code(await t.gql(REQUEST, { input: { id, leaseToken: '01900000-0000-7000-8000-000000000000', approval: { title: 'x' } } }))).toBe('LEASE_LOST');
    expect(await h.kinds(id)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED']);
  });

  it('requires a comment when asked, accepts custom options, and pages the inbox', async () => {
    const { id, token } = await h.running();
    const a = await request(id, token, { options: ['ship', 'hold'], requireComment: true, type: 'review', assignees: ['carol'] });
    expect(code(await resolve({ approvalId: a.id, outcome: 'ship' }))).toBe('BAD_USER_INPUT');
    expect(ok(await resolve({ approvalId: a.id, outcome: 'hold', comment: 'wait for QA' })).resolveApproval).toMatchObject({ outcome: 'hold', resolvedBy: 'anonymous' });
    const reviews = ok(await t.gql(INBOX, { filter: { type: ['review'], assignee: 'carol' } })).approvals.nodes;
    expect(reviews.map((r: { id: string }) => r.id)).toEqual([a.id]);

    const page1 = ok(await t.gql(INBOX, { first: 1 })).approvals;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.gql(INBOX, { first: 1, after: page1.pageInfo.endCursor })).approvals;
    expect(page2.nodes[0].id).not.toBe(page1.nodes[0].id);
    expect(ok(await t.gql(`query($id: ID!) { approval(id: $id) { id intent { id } } }`, { id: a.id })).approval).toEqual({ id: a.id, intent: { id } });
  });

  it('cancels the pending approval when the intent is cancelled', async () => {
    const { id, token } = await h.running();
    const a = await request(id, token, {});
    ok(await t.gql(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { id } }`, { id }));
    expect((await h.read(id)).approvals[0]).toMatchObject({ status: 'CANCELLED' });
    expect(code(await resolve({ approvalId: a.id, outcome: 'approve' }))).toBe('CONFLICT');
  });
});

describe('approval timeouts, applied by the sweeper', () => {
  it('REJECT: resolves as reject and returns the intent to PENDING; a late human gets CONFLICT', async () => {
    const { id, type, token } = await h.running();
    const a = await request(id, token, { timeoutSeconds: 60 });
    h.clock.advance(59_000);
    await t.app.sweeper.sweep();
    expect((await h.read(id)).status).toBe('WAITING');
    h.clock.advance(1_000);
    await t.app.sweeper.sweep();
    const read = await h.read(id);
    expect(read).toMatchObject({ status: 'PENDING', lastWake: { kind: 'APPROVAL_TIMED_OUT', actor: 'axme:sweeper' } });
    expect(read.approvals[0]).toMatchObject({ status: 'TIMED_OUT', outcome: 'reject', resolvedBy: null });
    expect(code(await resolve({ approvalId: a.id, outcome: 'approve' }))).toBe('CONFLICT');
    await h.resumeAndComplete(type, id);
  });

  it('FAIL: fails the intent with APPROVAL_TIMED_OUT', async () => {
    const { id, token } = await h.running();
    await request(id, token, { timeoutSeconds: 60, onTimeout: 'FAIL' });
    h.clock.advance(61_000);
    await t.app.sweeper.sweep();
    const read = await h.read(id);
    expect(read).toMatchObject({ status: 'FAILED', error: { code: 'APPROVAL_TIMED_OUT' } });
    expect(read.approvals[0].status).toBe('TIMED_OUT');
    expect(read.events.at(-1)).toMatchObject({ kind: 'APPROVAL_TIMED_OUT', status: 'FAILED' });
  });

  it('ESCALATE: hands the request to escalateTo with a fresh timeout, which then rejects', async () => {
    const { id, type, token } = await h.running();
    const first = await request(id, token, { timeoutSeconds: 60, onTimeout: 'ESCALATE', escalateTo: ['boss'], assignees: ['alice'] });
    h.clock.advance(60_000);
    await t.app.sweeper.sweep();
    let read = await h.read(id);
    expect(read.status).toBe('WAITING');
    const [next, old] = read.approvals;
    expect(old).toMatchObject({ id: first.id, status: 'ESCALATED' });
    expect(next).toMatchObject({ status: 'PENDING', assignees: ['boss'], escalatedFromId: first.id, onTimeout: 'REJECT' });
    expect(new Date(next.expiresAt).getTime()).toBe(h.clock.now().getTime() + 60_000);
    expect(read.events.at(-1)).toMatchObject({ kind: 'APPROVAL_ESCALATED', status: 'WAITING', data: { approvalId: next.id, escalatedFrom: first.id } });
    const late = await resolve({ approvalId: first.id, outcome: 'approve' });
    expect(code(late)).toBe('CONFLICT');
    expect(late.errors![0]!.extensions).toMatchObject({ reason: 'ESCALATED' });

    ok(await resolve({ approvalId: next.id, outcome: 'approve', resolvedBy: 'boss' }));
    read = await h.read(id);
    expect(read.lastWake).toMatchObject({ kind: 'APPROVAL_RESOLVED', actor: 'boss' });
    await h.resumeAndComplete(type, id);
  });
});

