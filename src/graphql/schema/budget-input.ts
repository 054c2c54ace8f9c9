/** The budget input of submitIntent, apart from budgets.ts so intent.ts can use it without a cycle. */
import { BUDGET_POLICIES } from '../../core/budget.ts';
import { builder } from '../builder.ts';

export const BudgetPolicy = builder.enumType('BudgetPolicy', {
  description: 'What happens once a budget is crossed: FAIL the intent (error code BUDGET_EXCEEDED, not retried), or WAIT for a human to raise the budget (an axme.budget approval) or stop it.',
  values: BUDGET_POLICIES,
});

export const BudgetInput = builder.inputType('BudgetInput', {
  description: 'Limits on what an intent and its descendants spend: USD (priced calls) and/or tokens (input + output). The holder’s next lease call after spending crosses a limit answers BUDGET_EXCEEDED.',
  fields: (t) => ({
    maxUsd: t.float({ description: 'Above 0, at most 1000000.' }),
    maxTokens: t.float({ description: 'A whole number above 0, at most 1e13.' }),
    onExceeded: t.field({ type: BudgetPolicy, description: 'Default FAIL.' }),
  }),
});
