import { APPROVAL_STATUSES, type Approval as ApprovalRow, TIMEOUT_ACTIONS } from '../../store/approvals.ts';
import { encodeListCursor } from '../../store/list.ts';
import { builder } from '../builder.ts';
import { connection, pageArgs } from './connection.ts';
import { listSize } from '../cost.ts';
import { Intent } from './intent.ts';

export const ApprovalStatus = builder.enumType('ApprovalStatus', {
  description: 'PENDING until a human resolves it (RESOLVED), it times out (TIMED_OUT), it is handed to escalateTo (ESCALATED), or its intent ends (CANCELLED).',
  values: APPROVAL_STATUSES,
});

export const ApprovalTimeoutAction = builder.enumType('ApprovalTimeoutAction', {
  description: 'What happens at expiresAt: REJECT resolves it as "reject" and the intent goes back to PENDING; FAIL fails the intent; ESCALATE hands it to escalateTo with a fresh timeout (which then rejects).',
  values: TIMEOUT_ACTIONS,
});

export const Approval = builder.objectRef<ApprovalRow>('Approval');

Approval.implement({
  description: 'A human decision an intent waits for: the request, then the outcome, comment and form data, who decided and when.',
  fields: (t) => ({
    id: t.exposeID('id'),
    intentId: t.exposeID('intentId'),
    intent: t.field({ type: Intent, nullable: true, resolve: (a, _x, ctx) => ctx.services.intents.get(ctx.caller, a.intentId) }),
    type: t.exposeString('type', { description: 'A kind of task, e.g. approval, review, provide_data. Default approval.' }),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    options: t.exposeStringList('options', { description: 'The allowed outcomes.' }),
    assignees: t.exposeStringList('assignees'),
    formSchema: t.expose('formSchema', { type: 'JSON', nullable: true, description: 'JSON Schema that `data` must satisfy.' }),
    requireComment: t.exposeBoolean('requireComment'),
    timeoutSeconds: t.exposeInt('timeoutSeconds', { nullable: true }),
    onTimeout: t.expose('onTimeout', { type: ApprovalTimeoutAction }),
    escalateTo: t.exposeStringList('escalateTo'),
    escalatedFromId: t.exposeID('escalatedFrom', { nullable: true, description: 'The approval this one replaced when it escalated.' }),
    status: t.expose('status', { type: ApprovalStatus }),
    outcome: t.exposeString('outcome', { nullable: true }),
    comment: t.exposeString('comment', { nullable: true }),
    data: t.expose('data', { type: 'JSON', nullable: true }),
    result: t.expose('result', { type: 'JSON', nullable: true, description: 'What the engine did with the decision of one of its own approvals (type axme.*). axme.escalation: {forkedTo, fromStep} after fork, {attempts, maxAttempts} after retry.' }),
    resolvedBy: t.exposeString('resolvedBy', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    requestedBy: t.exposeString('requestedBy', { nullable: true, description: 'The agent that asked.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
  }),
});

const ApprovalConnection = connection('Approval', {
  node: Approval,
  rows: (p: { approvals: ApprovalRow[]; hasNextPage: boolean }) => p.approvals,
  cursor: encodeListCursor,
  pageInfo: 'ApprovalPageInfo',
});

const ApprovalFilter = builder.inputType('ApprovalFilter', {
  fields: (t) => ({
    status: t.field({ type: [ApprovalStatus], description: 'Any of these statuses.' }),
    assignee: t.string({ description: 'Approvals that list this assignee.' }),
    type: t.stringList({ description: 'Any of these types.' }),
    intentId: t.id(),
  }),
});

builder.queryFields((t) => ({
  approval: t.field({
    type: Approval,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.approvals.approval(ctx.caller, a.id),
  }),
  approvals: t.field({
    type: ApprovalConnection,
    description: 'The approval inbox, newest first: e.g. filter {status: [PENDING], assignee: "alice"}.',
    extensions: listSize({ arg: 'first', default: 20, max: 500, sized: ['nodes', 'edges'] }),
    args: { filter: t.arg({ type: ApprovalFilter }), ...pageArgs(t.arg) },
    resolve: (_r, a, ctx) => ctx.services.approvals.approvals(ctx.caller, {
      statuses: a.filter?.status ?? null,
      assignee: a.filter?.assignee ?? null,
      types: a.filter?.type ?? null,
      intentId: a.filter?.intentId ?? null,
      first: a.first as number | null,
      after: a.after as string | null,
    }),
  }),
}));

builder.objectField(Intent, 'approvals', (t) =>
  t.field({
    type: [Approval],
    description: 'The intent’s approvals, newest first: the decision an agent resumes with is approvals(first: 1).',
    extensions: listSize({ arg: 'first', default: 20, max: 500 }),
    args: { first: t.arg.int({ description: '0–500. Default 20.' }) },
    resolve: async (i, a, ctx) => (await ctx.services.approvals.approvals(ctx.caller, { intentId: i.id, first: a.first })).approvals,
  }));

const ApprovalRequestInput = builder.inputType('ApprovalRequestInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    type: t.string({ description: 'A kind of task, e.g. approval, review, provide_data. Default approval.' }),
    options: t.stringList({ description: 'Allowed outcomes. Default ["approve", "reject"].' }),
    assignees: t.stringList({ description: 'Who may decide; the inbox filters on it.' }),
    formSchema: t.field({ type: 'JSON', description: 'JSON Schema (draft-07) for the data the human fills in; checked now and at resolve.' }),
    requireComment: t.boolean({ description: 'Default false.' }),
    timeoutSeconds: t.int({ description: 'Seconds until onTimeout applies; none means it waits for ever.' }),
    onTimeout: t.field({ type: ApprovalTimeoutAction, description: 'Default REJECT.' }),
    escalateTo: t.stringList({ description: 'Assignees for onTimeout ESCALATE.' }),
  }),
});

const RequestApprovalInput = builder.inputType('RequestApprovalInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    approval: t.field({ type: ApprovalRequestInput, required: true }),
    checkpoint: t.field({ type: 'JSON', description: 'Saved with the wait (replaces the stored checkpoint); omit to keep it.' }),
  }),
});

const ResolveApprovalInput = builder.inputType('ResolveApprovalInput', {
  fields: (t) => ({
    approvalId: t.id({ required: true }),
    outcome: t.string({ required: true, description: 'One of the approval’s options.' }),
    comment: t.string(),
    data: t.field({ type: 'JSON', description: 'Must satisfy the approval’s formSchema.' }),
    resolvedBy: t.string({ description: 'Who decides, when the request carries no authenticated principal (which takes precedence).' }),
  }),
});

builder.mutationFields((t) => ({
  requestApproval: t.field({
    type: Approval,
    description: 'Asks a human: the intent becomes WAITING (APPROVAL), the lease is released and the checkpoint kept.',
    args: { input: t.arg({ type: RequestApprovalInput, required: true }) },
    resolve: (_r, { input: a }, ctx) =>
      ctx.services.approvals.requestApproval(ctx.caller, { id: a.id, leaseToken: a.leaseToken, checkpoint: a.checkpoint, approval: a.approval }),
  }),
  resolveApproval: t.field({
    type: Approval,
    description: 'Decides a PENDING approval; the intent goes back to PENDING for any agent to claim. The same resolution again returns the same approval; a different one fails with CONFLICT.',
    args: { input: t.arg({ type: ResolveApprovalInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.approvals.resolveApproval(ctx.caller, a),
  }),
}));
