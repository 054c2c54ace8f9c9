import { CATCH_UP_POLICIES, MAX_PREVIEW, OVERLAP_POLICIES } from '../../core/schedule-spec.ts';
import { type ScheduleInput, scheduleCursor } from '../../services/schedules.ts';
import type { IntentTemplate, Schedule as ScheduleRow } from '../../store/schedules.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { connection, pageArgs } from './connection.ts';
import { Intent } from './intent.ts';
import { RetryPolicy, RetryPolicyInput } from './retry-policy.ts';

const OverlapPolicy = builder.enumType('ScheduleOverlapPolicy', {
  description: 'What a fire does while the intent of the previous fire has not finished. SKIP: nothing (counted in skipCount). BUFFER_ONE: one fire waits and is submitted when the running intent ends; more are skipped. ALLOW: submits anyway.',
  values: OVERLAP_POLICIES,
});

const CatchUpPolicy = builder.enumType('ScheduleCatchUpPolicy', {
  description: 'Fires missed while no instance ran (downtime). SKIP: none; only fires less than a minute late are made. ONE: the newest missed fire, once. ALL: every missed fire, the newest 100 at most.',
  values: CATCH_UP_POLICIES,
});

const IntentTemplateRef = builder.objectRef<IntentTemplate>('ScheduleIntentTemplate').implement({
  description: 'The intent each fire submits. Fired intents also get the label schedule:<name>.',
  fields: (t) => ({
    type: t.exposeString('type'),
    input: t.expose('input', { type: 'JSON' }),
    labels: t.exposeStringList('labels'),
    priority: t.exposeInt('priority'),
    maxAttempts: t.exposeInt('maxAttempts', { nullable: true }),
    retry: t.field({ type: RetryPolicy, nullable: true, resolve: (p) => p.retry }),
    deadlineSeconds: t.exposeInt('deadlineSeconds', { nullable: true }),
    attemptTimeoutSeconds: t.exposeInt('attemptTimeoutSeconds', { nullable: true }),
    concurrencyKey: t.exposeString('concurrencyKey', { nullable: true }),
    concurrencyLimit: t.exposeInt('concurrencyLimit', { nullable: true }),
  }),
});

export const Schedule = builder.objectRef<ScheduleRow>('Schedule').implement({
  description: 'Submits an intent on a cron expression (in a time zone) or a fixed interval. Each fire’s intent has the idempotency key schedule:<id>:<fire time>, so every fire is one intent however many servers run.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    cron: t.exposeString('cron', { nullable: true }),
    timezone: t.exposeString('timezone', { description: 'The IANA zone the cron expression is read in.' }),
    intervalSeconds: t.exposeInt('intervalSeconds', { nullable: true }),
    intent: t.field({ type: IntentTemplateRef, resolve: (s) => s.template }),
    overlap: t.expose('overlap', { type: OverlapPolicy }),
    catchUp: t.expose('catchUp', { type: CatchUpPolicy }),
    jitterSeconds: t.exposeInt('jitterSeconds', { description: 'Each fired intent’s runAt is delayed by up to this, the same delay on every server for one fire.' }),
    startAt: t.expose('startAt', { type: 'DateTime', nullable: true }),
    endAt: t.expose('endAt', { type: 'DateTime', nullable: true, description: 'No fire at or after this.' }),
    paused: t.exposeBoolean('paused'),
    pausedReason: t.exposeString('pausedReason', { nullable: true }),
    nextFireAt: t.expose('nextFireAt', { type: 'DateTime', nullable: true, description: 'The next fire time (kept while paused; resume recomputes it). Null once the end date has passed.' }),
    bufferedFireAt: t.expose('bufferedFireAt', { type: 'DateTime', nullable: true, description: 'BUFFER_ONE: the fire waiting for the running intent to end.' }),
    lastFireAt: t.expose('lastFireAt', { type: 'DateTime', nullable: true }),
    lastIntent: t.field({
      type: Intent,
      nullable: true,
      resolve: (s, _a, ctx) => (s.lastIntentId ? ctx.loaders.intent.load(s.lastIntentId) : null),
    }),
    fireCount: t.int({ resolve: (s) => s.fireCount }),
    skipCount: t.int({ description: 'Fires not submitted: by the overlap policy, or missed times the catch-up policy dropped (counted once per pass).', resolve: (s) => s.skipCount }),
    lastSkipAt: t.expose('lastSkipAt', { type: 'DateTime', nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    nextFires: t.field({
      type: ['DateTime'],
      description: `The next n fire times (default 5, at most ${MAX_PREVIEW}); empty while paused.`,
      args: { n: t.arg.int() },
      resolve: (s, a, ctx) => ctx.services.schedules.preview(s, a.n),
    }),
    recentIntents: t.field({
      type: [Intent],
      description: 'Intents this schedule submitted, newest first (default 10, at most 100).',
      args: { first: t.arg.int() },
      extensions: listSize({ arg: 'first', default: 10, max: 100 }),
      resolve: (s, a, ctx) => ctx.services.schedules.recentIntents(ctx.caller, s, a.first),
    }),
  }),
});

builder.objectField(Intent, 'schedule', (t) =>
  t.field({
    type: Schedule,
    nullable: true,
    description: 'The schedule whose fire submitted this intent; null for other intents, or when the schedule was deleted.',
    resolve: (i, _a, ctx) => (i.scheduleId ? ctx.loaders.schedule.load(i.scheduleId) : null),
  }));

const IntentTemplateInput = builder.inputType('ScheduleIntentInput', {
  description: 'The intent each fire submits: the fields of SubmitIntentInput that make sense for every fire.',
  fields: (t) => ({
    type: t.string({ required: true }),
    input: t.field({ type: 'JSON', description: 'Default {}.' }),
    labels: t.stringList({ description: 'At most 49; schedule:<name> is added.' }),
    priority: t.int({ description: '0–1000. Default 0.' }),
    maxAttempts: t.int({ description: '1–100. Default: the type’s, else the server’s.' }),
    retry: t.field({ type: RetryPolicyInput }),
    deadlineSeconds: t.int({ description: 'Each intent must finish this long after its runAt, 1–31622400.' }),
    attemptTimeoutSeconds: t.int({ description: '1–604800.' }),
    concurrencyKey: t.string(),
    concurrencyLimit: t.int(),
  }),
});

const specFields = {
  cron: 'A cron expression of 5 fields (minute precision) or 6 (seconds first), e.g. `0 9 * * MON-FRI`. Give this or intervalSeconds.',
  timezone: 'IANA zone the cron expression is read in, e.g. Europe/Berlin. Default UTC. DST: a time skipped by spring-forward fires at the first valid time after; a time repeated by fall-back fires once.',
  intervalSeconds: 'Fire every this many seconds (1–31622400), counted from startAt, else from creation.',
} as const;

const CreateScheduleInput = builder.inputType('CreateScheduleInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique in the namespace; letters, digits and _ . : / -.' }),
    cron: t.string({ description: specFields.cron }),
    timezone: t.string({ description: specFields.timezone }),
    intervalSeconds: t.int({ description: specFields.intervalSeconds }),
    intent: t.field({ type: IntentTemplateInput, required: true }),
    overlap: t.field({ type: OverlapPolicy, description: 'Default SKIP.' }),
    catchUp: t.field({ type: CatchUpPolicy, description: 'Default ONE.' }),
    jitterSeconds: t.int({ description: '0–86400. Default 0.' }),
    startAt: t.field({ type: 'DateTime', description: 'No fire before this.' }),
    endAt: t.field({ type: 'DateTime', description: 'No fire at or after this; must be after startAt.' }),
    paused: t.boolean({ description: 'Create it paused. Default false.' }),
  }),
});

const UpdateScheduleInput = builder.inputType('UpdateScheduleInput', {
  description: 'Only the fields given change; null clears startAt, endAt. Giving cron or intervalSeconds replaces the other. A changed spec recomputes the next fire from now.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    cron: t.string({ description: specFields.cron }),
    timezone: t.string({ description: specFields.timezone }),
    intervalSeconds: t.int({ description: specFields.intervalSeconds }),
    intent: t.field({ type: IntentTemplateInput, description: 'Replaces the whole template.' }),
    overlap: t.field({ type: OverlapPolicy }),
    catchUp: t.field({ type: CatchUpPolicy }),
    jitterSeconds: t.int(),
    startAt: t.field({ type: 'DateTime' }),
    endAt: t.field({ type: 'DateTime' }),
    paused: t.boolean(),
  }),
});

const ScheduleFilter = builder.inputType('ScheduleFilter', {
  fields: (t) => ({
    paused: t.boolean(),
    type: t.string({ description: 'Schedules that submit this intent type.' }),
    search: t.string({ description: 'A part of the name, any case.' }),
  }),
});

const ScheduleConnection = connection('Schedule', {
  node: Schedule,
  rows: (p: { schedules: ScheduleRow[]; hasNextPage: boolean }) => p.schedules,
  cursor: scheduleCursor,
});

builder.queryFields((t) => ({
  schedule: t.field({
    type: Schedule,
    nullable: true,
    description: 'One schedule, by id or by name.',
    args: { id: t.arg.id(), name: t.arg.string() },
    resolve: (_r, a, ctx) => (a.id ? ctx.services.schedules.get(ctx.caller, a.id) : a.name ? ctx.services.schedules.getByName(ctx.caller, a.name) : null),
  }),
  schedules: t.field({
    type: ScheduleConnection,
    description: 'Schedules in name order, filtered.',
    extensions: listSize({ arg: 'first', default: 20, max: 500, sized: ['nodes', 'edges'] }),
    args: { filter: t.arg({ type: ScheduleFilter }), ...pageArgs(t.arg) },
    resolve: (_r, a, ctx) => ctx.services.schedules.list(ctx.caller, { ...a.filter, first: a.first, after: a.after }),
  }),
}));

/** GraphQL input to the service's: absent stays absent (keep), null stays null (clear). */
const toInput = (a: Record<string, unknown>): ScheduleInput => a as ScheduleInput;

builder.mutationFields((t) => ({
  createSchedule: t.field({
    type: Schedule,
    description: 'Bad cron, unknown time zone or endAt before startAt fail with BAD_USER_INPUT and extensions.details.reason INVALID_CRON, UNKNOWN_TIME_ZONE or END_BEFORE_START; a taken name with CONFLICT (NAME_TAKEN).',
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.schedules.create(ctx.caller, toInput(input)),
  }),
  updateSchedule: t.field({
    type: Schedule,
    args: { input: t.arg({ type: UpdateScheduleInput, required: true }) },
    resolve: (_r, { input: { id, ...rest } }, ctx) => ctx.services.schedules.update(ctx.caller, id, toInput(rest)),
  }),
  pauseSchedule: t.field({
    type: Schedule,
    description: 'Stops fires until resumed; an intent already submitted runs on.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_r, a, ctx) => ctx.services.schedules.pause(ctx.caller, a.id, a.reason),
  }),
  resumeSchedule: t.field({
    type: Schedule,
    description: 'Fires again from the next time after now; times missed while paused are not caught up.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.schedules.resume(ctx.caller, a.id),
  }),
  deleteSchedule: t.boolean({
    description: 'Answers whether it existed. Intents it submitted stay (their schedule becomes null).',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.schedules.delete(ctx.caller, a.id),
  }),
  triggerSchedule: t.field({
    type: Intent,
    description: 'Fires now, whatever the overlap policy, without moving the next fire.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.schedules.trigger(ctx.caller, a.id),
  }),
}));
