import type { TypePause, TypePolicy } from '../../store/recovery.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { IntentStatus } from './enums.ts';
import { Intent } from './intent.ts';
import { RetryPolicy, RetryPolicyInput } from './retry-policy.ts';

builder.objectFields(Intent, (t) => ({
  retry: t.field({ type: RetryPolicy, nullable: true, description: 'The retry settings submitted with this intent (type and server defaults fill the rest).', resolve: (i) => i.retryPolicy }),
  deadline: t.expose('deadline', { type: 'DateTime', nullable: true }),
  attemptTimeoutSeconds: t.exposeInt('attemptTimeoutSeconds', { nullable: true }),
  concurrencyKey: t.exposeString('concurrencyKey', { nullable: true }),
  concurrencyLimit: t.exposeInt('concurrencyLimit', { nullable: true }),
}));

const IntentTypePause = builder.objectRef<TypePause>('IntentTypePause').implement({
  description: 'A type whose PENDING intents claims skip until it is resumed.',
  fields: (t) => ({
    type: t.exposeString('type'),
    reason: t.exposeString('reason', { nullable: true }),
    pausedBy: t.exposeString('pausedBy', { nullable: true }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime' }),
  }),
});

const IntentTypePolicy = builder.objectRef<TypePolicy>('IntentTypePolicy').implement({
  description: 'Defaults for every intent of a type: maxAttempts applies to submits that name none, retry to every failure.',
  fields: (t) => ({
    type: t.exposeString('type'),
    maxAttempts: t.exposeInt('maxAttempts', { nullable: true }),
    retry: t.field({ type: RetryPolicy, nullable: true, resolve: (p) => p.retry }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const BulkIntentFilter = builder.inputType('BulkIntentFilter', {
  description: 'Which intents a bulk operation changes; it must name at least one of type, label, parentId or errorCode.',
  fields: (t) => ({
    type: t.stringList({ description: 'Any of these types.' }),
    label: t.stringList({ description: 'Every one of these labels.' }),
    parentId: t.id({ description: 'Children of this intent.' }),
    errorCode: t.string({ description: 'Intents whose latest error has this code, e.g. DEADLINE_EXCEEDED.' }),
    status: t.field({ type: [IntentStatus], description: 'Statuses to change. Default: FAILED for redrive; PENDING, RUNNING and WAITING for cancel.' }),
  }),
});

const BulkResult = builder.objectRef<{ count: number }>('BulkResult').implement({
  fields: (t) => ({ count: t.exposeInt('count', { description: 'How many intents changed; each got one event.' }) }),
});

const toFilter = (f: typeof BulkIntentFilter.$inferInput) => ({
  types: f.type, labels: f.label, parentId: f.parentId ?? null, statuses: f.status, errorCode: f.errorCode,
});

builder.queryFields((t) => ({
  pausedIntentTypes: t.field({
    type: [IntentTypePause],
    description: 'Types whose claims are paused in this namespace.',
    // unpaged: a namespace's paused types, taken to be at most 100
    extensions: listSize({ default: 100 }),
    resolve: (_r, _a, ctx) => ctx.services.operator.pausedTypes(ctx.caller),
  }),
  intentTypePolicy: t.field({
    type: IntentTypePolicy,
    nullable: true,
    args: { type: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.operator.typePolicy(ctx.caller, a.type),
  }),
}));

builder.mutationFields((t) => ({
  pauseIntentType: t.field({
    type: IntentTypePause,
    description: 'Stops claims of a type; its intents stay PENDING and running ones finish. Types with no intents yet may be paused (ahead of a deploy). Pausing again keeps the first pause.',
    args: { type: t.arg.string({ required: true }), reason: t.arg.string() },
    resolve: (_r, a, ctx) => ctx.services.operator.pauseType(ctx.caller, a.type, a.reason),
  }),
  resumeIntentType: t.boolean({
    description: 'Lets claims take the type again; answers whether it was paused.',
    args: { type: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.operator.resumeType(ctx.caller, a.type),
  }),
  setIntentTypePolicy: t.field({
    type: IntentTypePolicy,
    nullable: true,
    description: 'Replaces the defaults of a type; giving neither maxAttempts nor retry removes them (answers null).',
    args: { type: t.arg.string({ required: true }), maxAttempts: t.arg.int({ description: '1–100.' }), retry: t.arg({ type: RetryPolicyInput }) },
    resolve: (_r, a, ctx) => ctx.services.operator.setTypePolicy(ctx.caller, a),
  }),
  redriveIntents: t.field({
    type: BulkResult,
    description: 'Puts every matching FAILED intent (or CANCELLED, with status) back to PENDING, like retryIntent for each.',
    args: { filter: t.arg({ type: BulkIntentFilter, required: true }) },
    resolve: async (_r, a, ctx) => ({ count: await ctx.services.operator.redrive(ctx.caller, toFilter(a.filter)) }),
  }),
  cancelIntents: t.field({
    type: BulkResult,
    description: 'Cancels every matching unfinished intent, like cancelIntent for each.',
    args: { filter: t.arg({ type: BulkIntentFilter, required: true }), reason: t.arg.string() },
    resolve: async (_r, a, ctx) => ({ count: await ctx.services.operator.cancel(ctx.caller, toFilter(a.filter), a.reason) }),
  }),
}));
