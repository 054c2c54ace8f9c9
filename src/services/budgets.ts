/**
 * Budgets (issue 19 part 2): an intent's budgets with what is spent, the operator's day
 * budgets per type and per namespace, the stop a lease call's BUDGET_EXCEEDED triggers,
 * and the human's answer to the axme.budget approval it may ask.
 */
import type { Caller } from '../core/caller.ts';
import { type BudgetInput, type BudgetState, validateBudget } from '../core/budget.ts';
import * as v from '../core/validate.ts';
import { badInput, notFound } from '../core/errors.ts';
import { getIntent } from '../store/intents.ts';
import * as store from '../store/budgets.ts';
import { decideBudget } from '../store/budget-stop.ts';
import { Service } from './deps.ts';
import type { EngineDecision } from './engine-approvals.ts';

export interface SetDayBudgetInput extends BudgetInput {
  /** null or absent: the namespace's own day budget. */
  type?: string | null;
}

export class BudgetService extends Service {
  /**
   * Every budget each intent's usage counts against, nearest first: own, ancestors', its
   * type's and namespace's day budgets; one query for a page (the loader). Absent: none.
   */
  async ofIntents(c: Caller, ids: readonly string[]): Promise<Map<string, BudgetState[]>> {
    return store.budgetsOfMany(this.db, c.namespace, ids, this.clock.now());
  }

  /** The day budgets of the namespace with today's (UTC) spending. */
  async dayBudgets(c: Caller): Promise<store.DayBudget[]> {
    return store.dayBudgets(this.db, c.namespace, this.clock.now());
  }

  /** Replaces a type's (or, without type, the namespace's) day budget; neither limit removes it (answers null). */
  async setDayBudget(c: Caller, a: SetDayBudgetInput): Promise<store.DayBudget | null> {
    const type = a.type == null ? '' : v.name('type', a.type);
    const limits = validateBudget('budget', a);
    const { budget } = await this.commit(async (tx) => ({ changes: [], budget: await store.setDayBudget(tx, c.namespace, type, limits, this.clock.now()) }));
    return budget;
  }

  /**
   * Replaces the limits of a budget an intent set at submit (an operator raising it, say
   * before retrying an intent that failed over it). Its descendants see the change at once.
   */
  async setIntentBudget(c: Caller, id: string, a: BudgetInput): Promise<BudgetState> {
    const intentId = v.id('id', id);
    const limits = validateBudget('budget', a);
    if (!limits) throw badInput('budget needs maxUsd or maxTokens', { field: 'budget.maxUsd' });
    if (!(await store.setIntentBudget(this.db, c.namespace, intentId, limits))) {
      if (!(await getIntent(this.db, c.namespace, intentId))) throw notFound('intent', intentId);
      throw badInput('the intent has no budget of its own (budgets are set at submit; children count against their ancestors’)', { field: 'id' });
    }
    return (await store.budgetsOf(this.db, c.namespace, intentId, this.clock.now())).find((b) => b.intentId === intentId)!;
  }

  /** What a human's answer to an axme.budget approval does (registered with ApprovalService.decideWith). */
  readonly decide: EngineDecision = (tx, cur, approval, d, now) => decideBudget(tx, cur, approval, d, now);
}
