/**
 * Budgets (issue 19 part 2): what an intent may spend and has spent, and the operator's
 * day budgets per type and per namespace.
 */
import { BUDGET_SCOPES, type BudgetState } from '../../core/budget.ts';
import type { DayBudget as DayBudgetRow } from '../../store/budgets.ts';
import { builder } from '../builder.ts';
import { leafCost, listSize } from '../cost.ts';
import { BudgetInput, BudgetPolicy } from './budget-input.ts';
import { Intent } from './intent.ts';

const BudgetScope = builder.enumType('BudgetScope', { values: BUDGET_SCOPES });

const Budget = builder.objectRef<BudgetState>('Budget').implement({
  description: 'A budget that applies to an intent, with what has been spent against it.',
  fields: (t) => ({
    scope: t.field({ type: BudgetScope, description: 'INTENT: set on this intent or an ancestor, covering its whole tree; TYPE or NAMESPACE: a day budget.', resolve: (b) => b.scope }),
    intentId: t.exposeID('intentId', { nullable: true, description: 'The intent that set it (scope INTENT).' }),
    type: t.exposeString('type', { nullable: true }),
    day: t.exposeString('day', { nullable: true, description: 'UTC day, YYYY-MM-DD (day budgets).' }),
    maxUsd: t.exposeFloat('maxUsd', { nullable: true }),
    maxTokens: t.exposeFloat('maxTokens', { nullable: true }),
    onExceeded: t.field({ type: BudgetPolicy, resolve: (b) => b.onExceeded }),
    spentUsd: t.exposeFloat('spentUsd', { description: 'Cost of the priced calls counted against it (an intent budget: of the whole tree).' }),
    spentTokens: t.exposeFloat('spentTokens', { description: 'Input + output tokens counted against it.' }),
    exceeded: t.boolean({ resolve: (b) => (b.maxUsd !== null && b.spentUsd > b.maxUsd) || (b.maxTokens !== null && b.spentTokens > b.maxTokens) }),
  }),
});

const DayBudget = builder.objectRef<DayBudgetRow>('DayBudget').implement({
  description: 'An operator limit per UTC day on a type’s (or, type null, the whole namespace’s) LLM spending, with that day’s spending.',
  fields: (t) => ({
    type: t.exposeString('type', { nullable: true }),
    day: t.exposeString('day'),
    maxUsd: t.exposeFloat('maxUsd', { nullable: true }),
    maxTokens: t.exposeFloat('maxTokens', { nullable: true }),
    onExceeded: t.field({ type: BudgetPolicy, resolve: (b) => b.onExceeded }),
    spentUsd: t.exposeFloat('spentUsd'),
    spentTokens: t.exposeFloat('spentTokens'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(Intent, (t) => ({
  budget: t.field({
    type: Budget,
    nullable: true,
    description: 'The nearest intent budget: its own, else the nearest ancestor’s it inherits.',
    extensions: leafCost(1),
    resolve: async (i, _a, ctx) => (await ctx.loaders.budgets.load(i.id)).find((b) => b.scope === 'INTENT') ?? null,
  }),
  budgets: t.field({
    type: [Budget],
    description: 'Every budget its usage counts against, nearest first: its own, its ancestors’, its type’s and its namespace’s day budgets.',
    // one batched read however many; costed as a handful (the budgets its ancestors set, and two day budgets)
    extensions: { ...leafCost(1), ...listSize({ default: 10 }) },
    resolve: (i, _a, ctx) => ctx.loaders.budgets.load(i.id),
  }),
}));

builder.queryFields((t) => ({
  budgets: t.field({
    type: [DayBudget],
    description: 'The namespace’s day budgets with today’s (UTC) spending.',
    extensions: listSize({ default: 100 }),
    resolve: (_r, _a, ctx) => ctx.services.budgets.dayBudgets(ctx.caller),
  }),
}));

builder.mutationFields((t) => ({
  setIntentBudget: t.field({
    type: Budget,
    description: 'Replaces the limits and policy of the budget an intent set at submit (BAD_USER_INPUT when it set none). Raise it, then retryIntent, to go on with an intent that failed over it.',
    args: { id: t.arg.id({ required: true }), budget: t.arg({ type: BudgetInput, required: true }) },
    resolve: (_r, a, ctx) => ctx.services.budgets.setIntentBudget(ctx.caller, a.id, a.budget),
  }),
  setBudget: t.field({
    type: DayBudget,
    nullable: true,
    description: 'Replaces the day budget of a type (or, without type, of the namespace); giving neither limit removes it (answers null). Counters run per UTC day.',
    args: {
      type: t.arg.string(),
      maxUsd: t.arg.float(),
      maxTokens: t.arg.float(),
      onExceeded: t.arg({ type: BudgetPolicy }),
    },
    resolve: (_r, a, ctx) => ctx.services.budgets.setDayBudget(ctx.caller, a),
  }),
}));
