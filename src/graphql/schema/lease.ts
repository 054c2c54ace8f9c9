import type { ItemResult, Lease as LeaseRow } from '../../services/intents.ts';
import type { LastStepInput } from '../../services/steps.ts';
import { MAX_ITEMS_PER_STATEMENT } from '../../services/write-groups.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { Intent } from './intent.ts';
import { LlmCallInput } from './usage.ts';

const Lease = builder.objectRef<LeaseRow>('Lease');

Lease.implement({
  description: 'The right to work on one intent until expiresAt. Every claim issues a new token; calls with an older one fail with LEASE_LOST.',
  fields: (t) => ({
    token: t.exposeID('token'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    intent: t.field({ type: Intent, resolve: (l) => l.intent }),
  }),
});

const ClaimIntentInput = builder.inputType('ClaimIntentInput', {
  fields: (t) => ({
    types: t.stringList({ required: true, description: 'Intent types this agent handles.' }),
    agent: t.string({ description: 'A name for the agent, shown as the lease holder and event actor.' }),
    leaseSeconds: t.int({ description: 'How long the lease lasts without a heartbeat. Default 300 (AXME_DEFAULT_LEASE_SECONDS).' }),
    waitSeconds: t.int({ description: 'Long-poll: wait up to this long (max AXME_MAX_WAIT_SECONDS, 60) for work before answering null. Default 0.' }),
    workerId: t.id({ description: 'The worker session (registerWorker) that will hold the lease: released at once when the session ends.' }),
  }),
});

const ClaimIntentsInput = builder.inputType('ClaimIntentsInput', {
  fields: (t) => ({
    types: t.stringList({ required: true, description: 'Intent types this agent handles.' }),
    limit: t.int({ required: true, description: `At most this many intents (1–${MAX_ITEMS_PER_STATEMENT}).` }),
    agent: t.string({ description: 'A name for the agent, shown as the lease holder and event actor.' }),
    leaseSeconds: t.int({ description: 'How long each lease lasts without a heartbeat. Default 300 (AXME_DEFAULT_LEASE_SECONDS).' }),
    waitSeconds: t.int({ description: 'Long-poll: wait up to this long (max AXME_MAX_WAIT_SECONDS, 60) for at least one intent before answering an empty list. Default 0.' }),
    workerId: t.id({ description: 'The worker session (registerWorker) that will hold the leases: released at once when the session ends.' }),
  }),
});

const HeartbeatIntentInput = builder.inputType('HeartbeatIntentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    leaseSeconds: t.int({ description: 'The lease runs this long from now. Default 300.' }),
  }),
});

const CheckpointIntentInput = builder.inputType('CheckpointIntentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    checkpoint: t.field({ type: 'JSON', required: true, description: 'Replaces the stored checkpoint; the next attempt starts from it.' }),
  }),
});

const LastStepInputType = builder.inputType('LastStepInput', {
  description: 'A step that succeeded just before the run completes: recorded (STEP_COMPLETED) with the completion in one statement, one request instead of a recordStep and a complete. A name that already has a result keeps it, as recordStep does.',
  fields: (t) => ({
    name: t.string({ required: true }),
    output: t.field({ type: 'JSON', description: 'At most AXME_MAX_STEP_BYTES (1 MiB) as JSON.' }),
    durationMs: t.int({ required: true }),
    usage: t.field({ type: [LlmCallInput], description: 'LLM calls the step made (at most 100).' }),
  }),
});

const CompleteIntentInput = builder.inputType('CompleteIntentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    output: t.field({ type: 'JSON' }),
    lastStep: t.field({ type: LastStepInputType, description: 'The run’s last step, recorded with the completion.' }),
  }),
});

const lastStepOf = (s: LastStepInput | null | undefined): LastStepInput | null =>
  s ? { name: s.name, output: s.output ?? null, durationMs: s.durationMs, usage: s.usage ?? null } : null;

const CompleteIntentsInput = builder.inputType('CompleteIntentsInput', {
  fields: (t) => ({
    items: t.field({ type: [CompleteIntentInput], required: true, description: `Up to ${MAX_ITEMS_PER_STATEMENT} completions.` }),
  }),
});

export const ItemError = builder.objectRef<NonNullable<ItemResult['error']>>('ItemError');
ItemError.implement({
  description: 'Why one item of a batch was refused; the same code and message the single mutation would have failed with.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'One of the documented error codes (LEASE_LOST, INVALID_TRANSITION, NOT_FOUND, ...).' }),
    message: t.exposeString('message'),
    details: t.expose('details', { type: 'JSON', nullable: true }),
  }),
});

const IntentResult = builder.objectRef<ItemResult>('IntentResult');
IntentResult.implement({
  description: 'The outcome of one item of a batch mutation: the intent it changed, or the error that refused it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    intent: t.field({ type: Intent, nullable: true, resolve: (r) => r.intent ?? null }),
    error: t.field({ type: ItemError, nullable: true, resolve: (r) => r.error ?? null }),
  }),
});

const IntentErrorInput = builder.inputType('IntentErrorInput', {
  fields: (t) => ({
    message: t.string({ required: true }),
    code: t.string(),
    retryable: t.boolean({ description: 'false sends the intent straight to FAILED. Default true.' }),
    details: t.field({ type: 'JSON' }),
  }),
});

const FailIntentInput = builder.inputType('FailIntentInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    error: t.field({ type: IntentErrorInput, required: true }),
    retryAfterSeconds: t.float({ description: 'Run the next attempt no sooner than this, e.g. a provider’s Retry-After (0–604800); overrides the retry backoff.' }),
  }),
});

builder.mutationFields((t) => ({
  claimIntent: t.field({
    type: Lease,
    nullable: true,
    description: 'Leases the most urgent PENDING intent of the given types (highest priority, then oldest runAt), or null when there is none.',
    args: { input: t.arg({ type: ClaimIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.claim(ctx.caller, a, ctx.signal),
  }),
  claimIntents: t.field({
    type: [Lease],
    description: 'Leases up to `limit` of the most urgent PENDING intents of the given types in one statement, in claim order; each has its own lease token. An empty list when there are none.',
    extensions: listSize({ arg: 'input.limit', default: 1, max: MAX_ITEMS_PER_STATEMENT }),
    args: { input: t.arg({ type: ClaimIntentsInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.claimMany(ctx.caller, a, ctx.signal),
  }),
  heartbeatIntent: t.field({
    type: Lease,
    description: 'Extends the lease. Fails with LEASE_LOST when the lease expired or was superseded, CONFLICT when the intent was cancelled.',
    args: { input: t.arg({ type: HeartbeatIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.heartbeat(ctx.caller, a.id, a.leaseToken, a.leaseSeconds),
  }),
  checkpointIntent: t.field({
    type: Intent,
    args: { input: t.arg({ type: CheckpointIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.checkpoint(ctx.caller, a.id, a.leaseToken, a.checkpoint),
  }),
  completeIntent: t.field({
    type: Intent,
    args: { input: t.arg({ type: CompleteIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.complete(ctx.caller, a.id, a.leaseToken, a.output ?? null, lastStepOf(a.lastStep)),
  }),
  completeIntents: t.field({
    type: [IntentResult],
    description: 'Completes many leased intents in one statement. Each item succeeds or fails on its own; items naming the same intent settle in the order sent; the results come in the order of the items.',
    extensions: listSize({ arg: 'input.items', default: 0, max: MAX_ITEMS_PER_STATEMENT }),
    args: { input: t.arg({ type: CompleteIntentsInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.completeMany(ctx.caller, a.items.map((i) => ({ id: i.id, leaseToken: i.leaseToken, output: i.output ?? null, lastStep: lastStepOf(i.lastStep) }))),
  }),
  failIntent: t.field({
    type: Intent,
    description: 'Ends the attempt with an error: back to PENDING while attempts remain and the error is retryable, else FAILED.',
    args: { input: t.arg({ type: FailIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) =>
      ctx.services.intents.fail(ctx.caller, a.id, a.leaseToken, { ...a.error, retryAfterSeconds: a.retryAfterSeconds }),
  }),
}));
