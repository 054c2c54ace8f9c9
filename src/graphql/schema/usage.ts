/**
 * LLM usage (issue 19 part 1): the model calls a step reported, an intent's running
 * total (own, or with its descendants'), and rollups by type, model and day.
 */
import type { Usage, UsageTotals as Totals } from '../../core/usage.ts';
import type { UsageBucket as Bucket } from '../../store/usage.ts';
import { MAX_USAGE_DAYS, MAX_USAGE_GROUPS } from '../../services/usage.ts';
import { type Types, builder } from '../builder.ts';
import { leafCost, listSize } from '../cost.ts';
import { Intent } from './intent.ts';

export const LlmCall = builder.objectRef<Usage>('LlmCall');
LlmCall.implement({
  description: 'One model call a step reported: its tokens and cost.',
  fields: (t) => ({
    provider: t.exposeString('provider', { nullable: true }),
    model: t.exposeString('model'),
    inputTokens: t.exposeInt('inputTokens', { description: 'Prompt tokens, cached ones included.' }),
    outputTokens: t.exposeInt('outputTokens'),
    cachedTokens: t.exposeInt('cachedTokens', { description: 'The part of inputTokens read from the provider’s prompt cache.' }),
    costUsd: t.exposeFloat('costUsd', { nullable: true, description: 'As reported, else priced from AXME_PRICES; null when the model has no price there.' }),
  }),
});

export const LlmCallInput = builder.inputType('LlmCallInput', {
  description: 'One model call: tokens are whole numbers from 0 to 1e9, cachedTokens at most inputTokens; costUsd from 0 to 100000, or omitted to price it from AXME_PRICES.',
  fields: (t) => ({
    provider: t.string({ description: 'e.g. openai, anthropic (1–200 printable ASCII characters).' }),
    model: t.string({ required: true, description: 'e.g. gpt-4o-mini; the price table’s key.' }),
    inputTokens: t.int(),
    outputTokens: t.int(),
    cachedTokens: t.int(),
    costUsd: t.float(),
  }),
});

// the same six fields on both objects; declared by resolver so one helper serves both
const totalsFields = (t: PothosSchemaTypes.ObjectFieldBuilder<Types, Totals>) => ({
  calls: t.int({ description: 'Model calls reported.', resolve: (x) => x.calls }),
  inputTokens: t.float({ resolve: (x) => x.inputTokens }),
  outputTokens: t.float({ resolve: (x) => x.outputTokens }),
  cachedTokens: t.float({ resolve: (x) => x.cachedTokens }),
  costUsd: t.float({ description: 'The cost of the priced calls, in USD.', resolve: (x) => x.costUsd }),
  unpricedCalls: t.int({ description: 'Calls without a cost (no price for the model): costUsd leaves them out.', resolve: (x) => x.unpricedCalls }),
});

export const UsageTotals = builder.objectRef<Totals>('UsageTotals');
UsageTotals.implement({ description: 'Summed LLM usage.', fields: (t) => totalsFields(t) });

const UsageBucket = builder.objectRef<Bucket>('UsageBucket');
UsageBucket.implement({
  description: 'Usage summed over one group; the fields not grouped by are null.',
  fields: (t) => ({
    ...totalsFields(t as unknown as PothosSchemaTypes.ObjectFieldBuilder<Types, Totals>),
    type: t.exposeString('type', { nullable: true }),
    model: t.exposeString('model', { nullable: true }),
    day: t.exposeString('day', { nullable: true, description: 'UTC day, YYYY-MM-DD.' }),
  }),
});

const UsageGroup = builder.enumType('UsageGroup', { values: ['TYPE', 'MODEL', 'DAY'] as const });

const UsageFilter = builder.inputType('UsageFilter', {
  fields: (t) => ({
    type: t.string({ description: 'Only intents of this type.' }),
    model: t.string({ description: 'Only calls of this model.' }),
    from: t.field({ type: 'DateTime', description: `Default: 30 days before \`to\`; at most ${MAX_USAGE_DAYS} days before it.` }),
    to: t.field({ type: 'DateTime', description: 'Exclusive. Default: now.' }),
  }),
});

builder.objectFields(Intent, (t) => ({
  usage: t.field({
    type: UsageTotals,
    description: 'LLM usage its steps reported, a running total kept with each record. includingChildren adds its descendants’.',
    args: { includingChildren: t.arg.boolean({ defaultValue: false }) },
    extensions: leafCost(1),
    resolve: (i, a, ctx) => (a.includingChildren ? ctx.services.usage.family(ctx.caller, i.id) : ctx.loaders.usage.load(i.id)),
  }),
}));

builder.queryFields((t) => ({
  usage: t.field({
    type: [UsageBucket],
    description: `LLM usage of the namespace’s steps over a window, summed per group (none: one total). At most ${MAX_USAGE_GROUPS} groups, newest day first, then by name.`,
    extensions: listSize({ arg: 'first', default: MAX_USAGE_GROUPS, max: MAX_USAGE_GROUPS }),
    args: {
      filter: t.arg({ type: UsageFilter }),
      groupBy: t.arg({ type: [UsageGroup], defaultValue: [] }),
      first: t.arg.int({ description: `1–${MAX_USAGE_GROUPS}. Default ${MAX_USAGE_GROUPS}.` }),
    },
    resolve: (_r, a, ctx) => ctx.services.usage.rollup(ctx.caller, {
      type: a.filter?.type ?? null, model: a.filter?.model ?? null, from: a.filter?.from ?? null, to: a.filter?.to ?? null,
    }, a.groupBy ?? [], a.first),
  }),
}));
