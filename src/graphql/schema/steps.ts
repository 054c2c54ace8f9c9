import { badInput } from '../../core/errors.ts';
import type { IntentStep as IntentStepRow } from '../../core/model.ts';
import { builder } from '../builder.ts';
import { leafCost, listSize } from '../cost.ts';
import { Intent, NO_STEPS_OR_WAKES_UNTIL_SEQ } from './intent.ts';
import { sum } from '../../store/usage.ts';
import { LlmCall, LlmCallInput, UsageTotals } from './usage.ts';
import { ItemError } from './lease.ts';
import { MAX_ITEMS_PER_STATEMENT } from '../../services/write-groups.ts';
import type { RecordStepInput as RecordStepArgs, StepResult as StepResultRow } from '../../services/steps.ts';

const StepStatus = builder.enumType('StepStatus', {
  description: 'COMPLETED: the step returned and its result is stored (once per name). FAILED: it threw; the error is stored.',
  values: ['COMPLETED', 'FAILED'] as const,
});

const StepError = builder.objectRef<NonNullable<IntentStepRow['error']>>('StepError');
StepError.implement({
  description: 'What a step threw.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code', { nullable: true }),
    details: t.expose('details', { type: 'JSON', nullable: true }),
  }),
});

export const IntentStep = builder.objectRef<IntentStepRow>('IntentStep');
IntentStep.implement({
  description: 'One durable step of an intent (run.step in the SDKs): its result, written once, or an error it threw. The output is read only when selected.',
  fields: (t) => ({
    intentId: t.exposeID('intentId'),
    seq: t.exposeInt('seq', { description: 'The seq of its STEP_COMPLETED or STEP_FAILED event.' }),
    name: t.exposeString('name'),
    attempt: t.exposeInt('attempt', { description: 'The attempt that ran it.' }),
    status: t.expose('status', { type: StepStatus }),
    durationMs: t.exposeInt('durationMs'),
    outputBytes: t.exposeInt('outputBytes', { description: 'Size of the stored output as JSON text.' }),
    output: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The result (null for a FAILED step). Read on its own, batched per request, only when selected.',
      extensions: leafCost(1),
      resolve: (s, _a, ctx) => (s.status === 'COMPLETED' ? ctx.loaders.stepOutput.load(`${s.intentId}/${s.seq}`) : null),
    }),
    error: t.field({ type: StepError, nullable: true, resolve: (s) => s.error }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    usage: t.field({
      type: [LlmCall],
      description: 'Model calls the step reported (recordStep usage; at most 100). Counted as 100 per step against AXME_MAX_COST: page steps with `first`, or select usageTotals.',
      extensions: listSize({ default: 100 }),
      resolve: (s) => s.usage,
    }),
    usageTotals: t.field({ type: UsageTotals, description: 'The step’s model calls summed: what a timeline shows per step.', resolve: (s) => sum(s.usage) }),
  }),
});

builder.objectFields(Intent, (t) => ({
  stepNames: t.field({
    type: ['String'],
    description: 'Names of the steps with a stored result, in the order recorded: what a claim needs to know to replay them, without their outputs (read those with `steps(name:)` when a step is replayed).',
    // one batched query for the page; strings, not objects, so a claim of many intents stays cheap
    extensions: leafCost(1),
    resolve: async (i, _a, ctx) =>
      // events 1 and 2 (submitted, claimed) leave no seq for a step: a fresh claim reads nothing
      i.lastSeq <= NO_STEPS_OR_WAKES_UNTIL_SEQ ? [] : (await ctx.loaders.steps.load(i.id)).filter((s) => s.status === 'COMPLETED').map((s) => s.name),
  }),
  steps: t.field({
    type: [IntentStep],
    description: 'Durable step records in the order they were written, every attempt’s: a result per name, and the errors steps threw.',
    extensions: listSize({ arg: 'first', default: 1000, max: 10_000 }),
    args: {
      name: t.arg.string({ description: 'Only the records of this step.' }),
      first: t.arg.int({ description: '1–10000. Default 1000.' }),
    },
    // one query for every intent of the page, whatever the arguments
    resolve: async (i, a, ctx) => {
      const first = a.first ?? 1000;
      if (!Number.isInteger(first) || first < 1 || first > 10_000) {
        throw badInput('first must be a whole number from 1 to 10000', { field: 'first', value: first });
      }
      const all = await ctx.loaders.steps.load(i.id);
      return (a.name == null ? all : all.filter((s) => s.name === a.name)).slice(0, first);
    },
  }),
}));

const StepErrorInput = builder.inputType('StepErrorInput', {
  fields: (t) => ({
    message: t.string({ required: true }),
    code: t.string(),
    details: t.field({ type: 'JSON' }),
  }),
});

const RecordStepInput = builder.inputType('RecordStepInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    name: t.string({ required: true, description: 'The step’s identity across attempts (1–200 characters).' }),
    output: t.field({ type: 'JSON', description: 'The result; at most AXME_MAX_STEP_BYTES (1 MiB) as JSON, else PAYLOAD_TOO_LARGE.' }),
    durationMs: t.int({ required: true, description: 'How long the step ran.' }),
    error: t.field({ type: StepErrorInput, description: 'Set when the step threw: a FAILED record, and output is ignored.' }),
    usage: t.field({ type: [LlmCallInput], description: 'LLM calls the step made (at most 100), stored with the record and added to the intent’s usage.' }),
  }),
});

const RecordStepsInput = builder.inputType('RecordStepsInput', {
  fields: (t) => ({
    items: t.field({ type: [RecordStepInput], required: true, description: `Up to ${MAX_ITEMS_PER_STATEMENT} step records, of one or many intents.` }),
  }),
});

const StepResult = builder.objectRef<StepResultRow>('StepResult');
StepResult.implement({
  description: 'The outcome of one item of recordSteps: the step recorded (or the record its name already had), or the error that refused it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The intent of the item.' }),
    step: t.field({ type: IntentStep, nullable: true, resolve: (r) => r.step ?? null }),
    error: t.field({ type: ItemError, nullable: true, resolve: (r) => r.error ?? null }),
  }),
});

type RecordStepArg = typeof RecordStepInput.$inferInput;
const recordArgs = (a: RecordStepArg): RecordStepArgs => ({
  id: a.id, leaseToken: a.leaseToken, name: a.name, output: a.output ?? null, durationMs: a.durationMs,
  error: a.error ? { message: a.error.message, code: a.error.code ?? null, details: a.error.details ?? null } : null,
  usage: a.usage ?? null,
});

builder.mutationFields((t) => ({
  recordSteps: t.field({
    type: [StepResult],
    description: 'Records many steps, of one intent or of many, each as recordStep would: the results come in item order, each with its step or the error that refused it, so one lost lease does not fail the rest. A worker running many intents sends the steps that finish together in one request.',
    extensions: listSize({ arg: 'input.items', default: 0, max: MAX_ITEMS_PER_STATEMENT }),
    args: { input: t.arg({ type: RecordStepsInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.steps.recordMany(ctx.caller, a.items.map(recordArgs)),
  }),
  recordStep: t.field({
    type: IntentStep,
    description: 'Records a step’s result (STEP_COMPLETED) or error (STEP_FAILED) under the lease, in its own row with its event; the intent stays RUNNING. A result is written once per name: recording a name that has one answers the stored record. LEASE_LOST with a stale lease.',
    args: { input: t.arg({ type: RecordStepInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.steps.record(ctx.caller, recordArgs(a)),
  }),
}));
