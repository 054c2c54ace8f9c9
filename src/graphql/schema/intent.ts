import { foldAttempts } from '../../core/attempts.ts';
import type { Attempt } from '../../core/attempts.ts';
import { encodeListCursor } from '../../store/list.ts';
import type { Intent as IntentRow, IntentError as IntentErrorRow, IntentPayload } from '../../core/model.ts';
import { notFound } from '../../core/errors.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { connection, pageArgs } from './connection.ts';
import { leafCost, listSize } from '../cost.ts';
import { IntentEventKind, IntentStatus, WaitingFor } from './enums.ts';
import { IntentEvent } from './event.ts';
import { schedulingInputFields } from './retry-policy.ts';
import { BudgetInput } from './budget-input.ts';

/**
 * Every step record and every wait's end is an event of its own with its own seq, after
 * the submit's (1) and the first claim's (2): an intent at seq 2 or below has neither, so
 * a fresh claim's stepNames and lastWake need no read.
 */
export const NO_STEPS_OR_WAKES_UNTIL_SEQ = 2;

export const Intent = builder.objectRef<IntentRow>('Intent');

/** The rows read for intents that lacked payloads, one read per such object (it belongs to one request). */
const wholeOf = new WeakMap<IntentRow, Promise<IntentRow | null>>();

/**
 * One of the intent's payloads: its own, or when it was read without it (model.ts
 * `omitted`) the row's as read now, after the write that answered it, not from earlier in
 * the request. Synchronous for the usual, whole intent: lists stay cheap.
 */
export function payload<K extends IntentPayload>(i: IntentRow, ctx: Context, key: K): IntentRow[K] | Promise<IntentRow[K]> {
  if (!i.omitted?.includes(key)) return i[key];
  let whole = wholeOf.get(i);
  if (!whole) wholeOf.set(i, (whole = ctx.loaders.intent.clear(i.id).load(i.id)));
  return whole.then((row) => {
    if (!row) throw notFound('intent', i.id);
    return row[key];
  });
}

const IntentError = builder.objectRef<IntentErrorRow>('IntentError');
const LeaseHolder = builder.objectRef<{ agent: string | null; expiresAt: Date }>('LeaseHolder');
const AttemptRef = builder.objectRef<Attempt>('Attempt');

IntentError.implement({
  description: 'The error an attempt failed with, as the agent reported it.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code', { nullable: true }),
    retryable: t.exposeBoolean('retryable'),
    details: t.expose('details', { type: 'JSON', nullable: true }),
  }),
});

LeaseHolder.implement({
  description: 'Who holds a RUNNING intent and until when. The token itself is only ever given to the claimer.',
  fields: (t) => ({
    agent: t.exposeString('agent', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

AttemptRef.implement({
  description: 'One attempt at the intent, rebuilt from the event log. A wait pauses it (outcome WAITING) and the claim after the wake continues the same attempt; only a failure, an expired lease or a retry starts the next.',
  fields: (t) => ({
    number: t.exposeInt('number'),
    agent: t.exposeString('agent', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    outcome: t.expose('outcome', { type: IntentEventKind, nullable: true }),
    error: t.expose('error', { type: IntentError, nullable: true }),
  }),
});

Intent.implement({
  description: 'A typed unit of work with JSON input, leased to one agent at a time, with its checkpoint, outcome and full history.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    status: t.expose('status', { type: IntentStatus }),
    waitingFor: t.expose('waitingFor', { type: WaitingFor, nullable: true }),
    // a heartbeat's, checkpoint's or progress report's answer was read without some of these: read them when asked
    input: t.field({ type: 'JSON', resolve: (i, _a, ctx) => payload(i, ctx, 'input') }),
    output: t.field({ type: 'JSON', nullable: true, resolve: (i, _a, ctx) => payload(i, ctx, 'output') }),
    error: t.field({
      type: IntentError, nullable: true, description: 'The latest error; every earlier one stays in `attempts` and the event log.',
      resolve: (i, _a, ctx) => payload(i, ctx, 'error'),
    }),
    checkpoint: t.field({ type: 'JSON', nullable: true, resolve: (i, _a, ctx) => payload(i, ctx, 'checkpoint') }),
    attempt: t.exposeInt('attempt', { description: 'How many times the intent has been claimed.' }),
    maxAttempts: t.exposeInt('maxAttempts'),
    priority: t.exposeInt('priority'),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
    parentId: t.exposeID('parentId', { nullable: true }),
    parent: t.field({
      type: Intent,
      nullable: true,
      resolve: (i, _a, ctx) => (i.parentId ? ctx.loaders.intent.load(i.parentId) : null),
    }),
    labels: t.exposeStringList('labels'),
    lease: t.field({
      type: LeaseHolder,
      nullable: true,
      resolve: (i) => (i.status === 'RUNNING' && i.leaseExpiresAt ? { agent: i.leaseAgent, expiresAt: i.leaseExpiresAt } : null),
    }),
    runAt: t.expose('runAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    lastSeq: t.exposeInt('lastSeq', { description: 'The seq of the newest event: pass it as `after` to read only what comes next.' }),
    events: t.field({
      type: [IntentEvent],
      args: { after: t.arg.int({ description: 'Only events with a larger seq. Default 0.' }), first: t.arg.int() },
      extensions: listSize({ arg: 'first', default: 1000, max: 10_000 }),
      // without arguments, one query for every intent of the page
      resolve: (i, a, ctx) => (a.after == null && a.first == null ? ctx.loaders.events.load(i.id).then((e) => e.slice(0, 1000)) : ctx.services.intents.events(ctx.caller, i.id, a.after, a.first)),
    }),
    attempts: t.field({
      type: [AttemptRef],
      // no argument: the attempts of an intent's first 10,000 events, taken to be at most 100
      extensions: listSize({ default: 100 }),
      resolve: async (i, _a, ctx) => foldAttempts(await ctx.loaders.events.load(i.id)),
    }),
  }),
});

export const IntentFilter = builder.inputType('IntentFilter', {
  fields: (t) => ({
    status: t.field({ type: [IntentStatus], description: 'Any of these statuses.' }),
    type: t.stringList({ description: 'Any of these types.' }),
    parentId: t.id({ description: 'Children of this intent.' }),
    label: t.stringList({ description: 'Every one of these labels.' }),
  }),
});

interface Page {
  intents: IntentRow[];
  hasNextPage: boolean;
  count: () => Promise<number>;
}

export const IntentConnection = connection('Intent', { node: Intent, rows: (p: Page) => p.intents, cursor: encodeListCursor });

builder.objectField(IntentConnection, 'totalCount', (t) =>
  t.int({ description: 'All intents that match the filter, across every page.', extensions: leafCost(1), resolve: (p) => p.count() }));

builder.queryFields((t) => ({
  intent: t.field({
    type: Intent,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.intents.get(ctx.caller, a.id),
  }),
  intents: t.field({
    type: IntentConnection,
    description: 'Intents newest first, filtered; a relay connection.',
    extensions: listSize({ arg: 'first', default: 20, max: 500, sized: ['nodes', 'edges'] }),
    args: { filter: t.arg({ type: IntentFilter }), ...pageArgs(t.arg) },
    resolve: (_r, a, ctx) =>
      ctx.services.intents.list(ctx.caller, {
        filter: a.filter
          ? { statuses: a.filter.status, types: a.filter.type, parentId: a.filter.parentId ?? null, labels: a.filter.label }
          : null,
        first: a.first,
        after: a.after,
      }),
  }),
}));

const SubmitIntentInput = builder.inputType('SubmitIntentInput', {
  fields: (t) => ({
    type: t.string({ required: true, description: 'What kind of work, e.g. `research.answer.v1`; agents claim by type.' }),
    input: t.field({ type: 'JSON', description: 'Any JSON. Default {}.' }),
    idempotencyKey: t.string({ description: 'Submitting the same key and input again returns the same intent; a different input fails with CONFLICT.' }),
    priority: t.int({ description: '0–1000, higher is claimed first. Default 0.' }),
    runAt: t.field({ type: 'DateTime', description: 'Not claimable before this time. Default now.' }),
    maxAttempts: t.int({ description: '1–100. Default 3 (AXME_DEFAULT_MAX_ATTEMPTS).' }),
    parentId: t.id({ description: 'Makes this intent a child of another.' }),
    labels: t.stringList({ description: 'Free-form tags to filter by, e.g. `customer:42`.' }),
    ...schedulingInputFields(t),
    budget: t.field({ type: BudgetInput, description: 'Limits on this intent and its descendants; without one it counts against its nearest ancestor’s (and every ancestor budget counts its descendants’ usage).' }),
  }),
});

const CancelIntentInput = builder.inputType('CancelIntentInput', {
  fields: (t) => ({ id: t.id({ required: true }), reason: t.string() }),
});

const RetryIntentInput = builder.inputType('RetryIntentInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationFields((t) => ({
  submitIntent: t.field({
    type: Intent,
    description: 'Submits an intent (with an idempotencyKey already used: answers that intent). With waitSeconds, also waits up to that long (cut to AXME_MAX_WAIT_SECONDS, 60) for it to finish and answers its state then, COMPLETED, FAILED or CANCELLED, or the state it has when the wait ends: a run in one round trip.',
    args: {
      input: t.arg({ type: SubmitIntentInput, required: true }),
      waitSeconds: t.arg.int({ description: 'Wait up to this long (0 to 86400; cut to AXME_MAX_WAIT_SECONDS) for the intent to finish before answering. Default 0: answer at once.' }),
    },
    resolve: async (_r, { input: a, waitSeconds }, ctx) => {
      const wait = ctx.live.validWait(waitSeconds);
      const { intent, written } = await ctx.services.intents.submitted(ctx.caller, { ...a, parentId: a.parentId ?? null });
      return ctx.live.untilFinished(ctx.caller, intent, wait, ctx.signal, !written);
    },
  }),
  cancelIntent: t.field({
    type: Intent,
    description: 'Cancels a PENDING, RUNNING or WAITING intent. A running agent’s next call fails with CONFLICT.',
    args: { input: t.arg({ type: CancelIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.cancel(ctx.caller, a.id, a.reason),
  }),
  retryIntent: t.field({
    type: Intent,
    description: 'Puts a FAILED or CANCELLED intent back to PENDING under the same id, keeping input, checkpoint, errors and attempt count; it runs at least once more.',
    args: { input: t.arg({ type: RetryIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.intents.retry(ctx.caller, a.id),
  }),
}));
