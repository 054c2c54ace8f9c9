/**
 * Budgets (issue 19 part 2): limits in USD and tokens (input + output) on an intent and
 * its descendants, or on a type or a namespace per UTC day. Pure: validation, the
 * exceeded check's answer as an error, and the form a human fills to raise one.
 */
import { AxmeError, badInput } from './errors.ts';

export const BUDGET_POLICIES = ['FAIL', 'WAIT'] as const;
/** What happens once a budget is crossed: the intent fails, or waits for a human to raise the budget or stop it. */
export type BudgetPolicy = (typeof BUDGET_POLICIES)[number];

export const BUDGET_SCOPES = ['INTENT', 'TYPE', 'NAMESPACE'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export interface BudgetLimits {
  maxUsd: number | null;
  maxTokens: number | null;
  onExceeded: BudgetPolicy;
}

export interface BudgetInput {
  maxUsd?: number | null;
  maxTokens?: number | null;
  onExceeded?: BudgetPolicy | null;
}

/** A budget with what has been spent against it (an intent's: its whole tree; a day budget's: that day). */
export interface BudgetState extends BudgetLimits {
  scope: BudgetScope;
  /** The intent that set it (scope INTENT), or the type (TYPE). */
  intentId: string | null;
  type: string | null;
  /** UTC day, YYYY-MM-DD, for day budgets. */
  day: string | null;
  spentUsd: number;
  spentTokens: number;
}

export const MAX_BUDGET_USD = 1_000_000;
export const MAX_BUDGET_TOKENS = 1e13;

function limit(field: string, value: number | null | undefined, max: number, integer: boolean): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw badInput(`${field} must be ${integer ? 'a whole number' : 'a number'} above 0 and at most ${max}`, { field, value });
  }
  return value;
}

/** Checks a budget's fields (`field` prefixes their names); null when neither limit is given. */
export function validateBudget(field: string, b: BudgetInput | null | undefined): BudgetLimits | null {
  if (b == null) return null;
  const maxUsd = limit(`${field}.maxUsd`, b.maxUsd, MAX_BUDGET_USD, false);
  const maxTokens = limit(`${field}.maxTokens`, b.maxTokens, MAX_BUDGET_TOKENS, true);
  const onExceeded = b.onExceeded ?? 'FAIL';
  if (!BUDGET_POLICIES.includes(onExceeded)) throw badInput(`${field}.onExceeded must be FAIL or WAIT`, { field: `${field}.onExceeded` });
  if (maxUsd === null && maxTokens === null) {
    if (b.onExceeded != null) throw badInput(`${field} needs maxUsd or maxTokens`, { field: `${field}.maxUsd` });
    return null;
  }
  return { maxUsd, maxTokens, onExceeded };
}

/** Which limit of a budget its spending crossed (strictly above it), if any. */
export function crossed(b: BudgetState): 'maxUsd' | 'maxTokens' | null {
  if (b.maxUsd !== null && b.spentUsd > b.maxUsd) return 'maxUsd';
  if (b.maxTokens !== null && b.spentTokens > b.maxTokens) return 'maxTokens';
  return null;
}

function describe(b: BudgetState): string {
  if (b.scope === 'INTENT') return b.intentId ? `the budget of intent ${b.intentId}` : 'the intent budget';
  return b.scope === 'TYPE' ? `the day budget of type ${b.type} (${b.day})` : `the namespace day budget (${b.day})`;
}

/** What a lease call answers once a budget is crossed; its details say which budget, its limits and what was spent. */
export function budgetExceeded(id: string, b: BudgetState): AxmeError {
  const which = crossed(b) ?? 'maxUsd';
  const spent = which === 'maxUsd' ? `$${b.spentUsd}` : `${b.spentTokens} tokens`;
  const max = which === 'maxUsd' ? `$${b.maxUsd}` : `${b.maxTokens} tokens`;
  return new AxmeError('BUDGET_EXCEEDED', `${describe(b)} is exceeded: ${spent} spent of ${max}`, { id, ...budgetDetails(b), limit: which });
}

export const budgetDetails = (b: BudgetState): Record<string, unknown> => ({
  budget: b.scope, budgetIntentId: b.intentId, type: b.type, day: b.day,
  maxUsd: b.maxUsd, maxTokens: b.maxTokens, spentUsd: b.spentUsd, spentTokens: b.spentTokens, onExceeded: b.onExceeded,
});

/** The approval a WAIT budget asks for: raise it (the form names the new limits) or stop. */
export function raiseRequest(b: BudgetState): { title: string; description: string; options: string[]; formSchema: unknown } {
  const props: Record<string, unknown> = {};
  const limits = [...(b.maxUsd === null ? [] : [`$${b.maxUsd}`]), ...(b.maxTokens === null ? [] : [`${b.maxTokens} tokens`])];
  if (b.maxUsd !== null) props.maxUsd = { type: 'number', title: `New USD limit (now $${b.maxUsd}, spent $${b.spentUsd})`, exclusiveMinimum: b.spentUsd };
  if (b.maxTokens !== null) props.maxTokens = { type: 'integer', title: `New token limit (now ${b.maxTokens}, spent ${b.spentTokens})`, exclusiveMinimum: b.spentTokens };
  return {
    title: `Budget exceeded: raise ${describe(b)} or stop`,
    description: `Spent $${b.spentUsd} and ${b.spentTokens} tokens; the limit is ${limits.join(' and ')}. "raise" sets the new limit and resumes the intent from its recorded steps (none runs again); "stop" fails it with BUDGET_EXCEEDED.`,
    options: ['raise', 'stop'],
    formSchema: { type: 'object', properties: props, additionalProperties: false },
  };
}

/** The new limits a "raise" decision gives: each above what is spent, at least one of them. */
export function raisedLimits(b: BudgetState, data: unknown): BudgetLimits {
  const d = (data ?? {}) as BudgetInput;
  const maxUsd = limit('data.maxUsd', d.maxUsd, MAX_BUDGET_USD, false);
  const maxTokens = limit('data.maxTokens', d.maxTokens, MAX_BUDGET_TOKENS, true);
  if (maxUsd === null && maxTokens === null) throw badInput('raise needs data.maxUsd or data.maxTokens', { field: 'data' });
  const next = { ...b, maxUsd: maxUsd ?? b.maxUsd, maxTokens: maxTokens ?? b.maxTokens };
  const still = crossed(next);
  if (still) throw badInput(`data.${still} must be above what is spent`, { field: `data.${still}`, spentUsd: b.spentUsd, spentTokens: b.spentTokens });
  return { maxUsd: next.maxUsd, maxTokens: next.maxTokens, onExceeded: b.onExceeded };
}
