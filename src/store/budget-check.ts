/**
 * The budget check joined into every lease-guarded statement (migration 017): true when a
 * budget the row's usage counts against is crossed. Index reads only: the intent's own
 * and its ancestors' budget rows (budget_ids), and today's counter row of its type and of
 * its namespace where a day budget is set. A leaf module: the statements of
 * intents.ts, steps.ts, progress.ts and streams.ts build on it at load time.
 */

/** `row` names the intents row (table or alias); `now` is the SQL of the call's time. */
export const overBudget = (row: string, now: string): string => `(
  (${row}.budget_ids is not null and exists (
    select 1 from intent_budgets ib where ib.intent_id = any(${row}.budget_ids)
      and (ib.spent_usd > ib.max_usd or ib.spent_tokens > ib.max_tokens)))
  or exists (
    select 1 from day_budgets dl join day_usage du
      on du.namespace = dl.namespace and du.type = dl.type and du.day = (${now}::timestamptz at time zone 'UTC')::date
    where dl.namespace = ${row}.namespace and dl.type in (${row}.type, '')
      and (du.cost_usd > dl.max_usd or du.tokens > dl.max_tokens)))`;
