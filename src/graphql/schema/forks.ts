import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { BudgetInput } from './budget-input.ts';
import { Intent } from './intent.ts';

builder.objectFields(Intent, (t) => ({
  forkedFromId: t.exposeID('forkedFrom', { nullable: true, description: 'The id of the intent this one was forked from.' }),
  forkedFrom: t.field({
    type: Intent,
    nullable: true,
    description: 'The intent this one was forked from (forkIntent); null when it was submitted, or the original was deleted.',
    resolve: (i, _a, ctx) => (i.forkedFrom ? ctx.loaders.intent.load(i.forkedFrom) : null),
  }),
  forkedFromStep: t.exposeString('forkedFromStep', {
    nullable: true,
    description: 'The step the fork ran again from; null for a fork that replays every recorded step (or no fork).',
  }),
  forkedFromSeq: t.exposeInt('forkedFromSeq', { nullable: true, description: 'The seq of the original’s step record it forked at.' }),
  forks: t.field({
    type: [Intent],
    description: 'Intents forked from this one, oldest first (at most 1000).',
    extensions: listSize({ default: 1000 }),
    // one query for every intent of the page
    resolve: (i, _a, ctx) => ctx.loaders.forks.load(i.id),
  }),
}));

const ForkIntentInput = builder.inputType('ForkIntentInput', {
  fields: (t) => ({
    id: t.id({ required: true, description: 'The intent to fork, in any status.' }),
    fromStep: t.string({ description: 'Run this step (from its first record) and every step after it fresh; the results recorded before it are copied. Omit both fromStep and fromSeq to copy every recorded result (a replay).' }),
    fromSeq: t.int({ description: 'The same, naming the step record by its seq (Intent.steps). Not with fromStep.' }),
    input: t.field({ type: 'JSON', description: 'The fork’s input, replacing the original’s. Not with inputPatch.' }),
    inputPatch: t.field({ type: 'JSON', description: 'A JSON merge patch (RFC 7386) applied to the original’s input: members set, null removes one.' }),
    labels: t.stringList({ description: 'Default: the original’s labels.' }),
    type: t.string({ description: 'Default: the original’s type.' }),
    idempotencyKey: t.string({ description: 'Forking again with the same key, original and input returns the same fork.' }),
    budget: t.field({ type: BudgetInput, description: 'The fork’s own budget (neither limit: none). Default: the limits and policy of the original’s own budget, spent from zero (a fork is a new run; no ancestor budget counts it).' }),
  }),
});

builder.mutationFields((t) => ({
  forkIntent: t.field({
    type: Intent,
    description: 'A new PENDING intent from another one (forkedFrom): the original’s completed step results recorded before the chosen step are copied in as its own step records, so agents replay them without running them again; the chosen step and all after it run fresh with the fork’s input. The checkpoint is not copied (it may hold state from after the chosen step). An unknown step is BAD_USER_INPUT (reason UNKNOWN_STEP).',
    args: { input: t.arg({ type: ForkIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) =>
      ctx.services.forks.fork(ctx.caller, {
        id: a.id, fromStep: a.fromStep ?? null, fromSeq: a.fromSeq ?? null, input: a.input ?? null, inputPatch: a.inputPatch ?? null,
        labels: a.labels ?? null, type: a.type ?? null, idempotencyKey: a.idempotencyKey ?? null, budget: a.budget ?? null,
      }),
  }),
}));
