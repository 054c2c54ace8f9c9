/**
 * Budgets (migration 017): an intent's own and inherited budgets with what its tree has
 * spent, operator day budgets per type and per namespace with today's counters, and the
 * spending moved in the transaction that records the usage.
 */
import type { Queryable } from '../db/types.ts';
import type { BudgetLimits, BudgetPolicy, BudgetScope, BudgetState } from '../core/budget.ts';
import { date } from './rows.ts';

/** The UTC day of `now`, YYYY-MM-DD: the day a day budget and its counter are for. */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

// Every budget that applies to each of the intents, nearest first: its own, its
// ancestors', then its type's and its namespace's day budgets with what that day has spent.
const BUDGETS_OF = `
  select i.id::text as of_id, 'INTENT' as scope, ib.intent_id::text as intent_id, null::text as type, null::text as day,
    ib.max_usd, ib.max_tokens, ib.on_exceeded, ib.spent_usd, ib.spent_tokens, array_position(i.budget_ids, ib.intent_id) as ord
  from intents i join intent_budgets ib on ib.intent_id = any(i.budget_ids)
  where i.namespace = $1 and i.id = any($2::uuid[])
  union all
  select i.id::text, case when dl.type = '' then 'NAMESPACE' else 'TYPE' end, null, nullif(dl.type, ''), $3::text,
    dl.max_usd, dl.max_tokens, dl.on_exceeded, coalesce(du.cost_usd, 0), coalesce(du.tokens, 0),
    case when dl.type = '' then 100001 else 100000 end
  from intents i join day_budgets dl on dl.namespace = i.namespace and dl.type in (i.type, '')
    left join day_usage du on du.namespace = dl.namespace and du.type = dl.type and du.day = $3::date
  where i.namespace = $1 and i.id = any($2::uuid[])
  order by of_id, ord`;

const num = (v: unknown): number | null => (v == null ? null : Number(v));

function toState(r: Record<string, unknown>): BudgetState {
  return {
    scope: r.scope as BudgetScope,
    intentId: (r.intent_id as string | null) ?? null,
    type: (r.type as string | null) ?? null,
    day: (r.day as string | null) ?? null,
    maxUsd: num(r.max_usd),
    maxTokens: num(r.max_tokens),
    onExceeded: r.on_exceeded as BudgetPolicy,
    spentUsd: Number(r.spent_usd),
    spentTokens: Number(r.spent_tokens),
  };
}

export async function budgetsOf(q: Queryable, ns: string, id: string, now: Date): Promise<BudgetState[]> {
  return (await budgetsOfMany(q, ns, [id], now)).get(id) ?? [];
}

/** The budgets of several intents in one query, by intent id (absent: none applies). */
export async function budgetsOfMany(q: Queryable, ns: string, ids: readonly string[], now: Date): Promise<Map<string, BudgetState[]>> {
  const { rows } = await q.query(BUDGETS_OF, [ns, ids, utcDay(now)]);
  const byIntent = new Map<string, BudgetState[]>();
  for (const r of rows) {
    const list = byIntent.get(r.of_id as string);
    if (list) list.push(toState(r));
    else byIntent.set(r.of_id as string, [toState(r)]);
  }
  return byIntent;
}

// Spending moves every budget the intent counts against (its own and its ancestors') and
// today's counters of its type and its namespace, in the usage's transaction. A counter
// moves only where a day budget is set for it: a namespace without day budgets writes no
// day_usage row, so its concurrent steps queue on no shared row. Rows are taken in one
// order (budgets, then '' before the type) so concurrent steps cannot deadlock.
const SPEND = `
  with i as (select namespace, type, budget_ids from intents where id = $1),
  b as (
    update intent_budgets set spent_usd = spent_usd + $2, spent_tokens = spent_tokens + $3
    where intent_id in (select unnest(budget_ids) from i)
  )
  insert into day_usage as d (namespace, type, day, cost_usd, tokens)
  select i.namespace, dl.type, $4::date, $2, $3 from i join day_budgets dl on dl.namespace = i.namespace and dl.type in ('', i.type)
  order by dl.type
  on conflict (namespace, type, day) do update set cost_usd = d.cost_usd + excluded.cost_usd, tokens = d.tokens + excluded.tokens`;

/**
 * Setting a day budget and spending meet on one advisory lock per namespace: spending
 * takes it shared (shared holders never wait on each other), setting takes it exclusive.
 * So a day budget set mid-day seeds its counter only once every step that did not see
 * the budget has committed its usage rows, and every later step sees the budget.
 */
export const DAY_USAGE_LOCK = (ns: string): string => `hashtext('axme_day_usage'), hashtext(${ns})`;

/** Adds a step's cost and tokens (input + output) to the budgets and day counters, in the caller's transaction. */
export async function spend(tx: Queryable, id: string, costUsd: number, tokens: number, now: Date): Promise<void> {
  await tx.query(SPEND, [id, costUsd, tokens, utcDay(now)]);
}

/** Inserted with the intents by submit (store/intents.ts), one statement. */
export const INSERT_INTENT_BUDGETS = `
  insert into intent_budgets (intent_id, namespace, max_usd, max_tokens, on_exceeded)
  select ins.id, ins.namespace, b.budget_max_usd, b.budget_max_tokens, b.budget_on_exceeded
  from ins join b on b.id = ins.id where b.budget_max_usd is not null or b.budget_max_tokens is not null`;

/** New limits for the budget `b` names (a raise from the inbox); the policy stays. */
export async function setLimits(tx: Queryable, ns: string, b: BudgetState, l: BudgetLimits, now: Date): Promise<void> {
  if (b.scope === 'INTENT') {
    await tx.query(`update intent_budgets set max_usd = $3, max_tokens = $4 where namespace = $1 and intent_id = $2`,
      [ns, b.intentId, l.maxUsd, l.maxTokens]);
  } else {
    await tx.query(`update day_budgets set max_usd = $3, max_tokens = $4, updated_at = $5 where namespace = $1 and type = $2`,
      [ns, b.type ?? '', l.maxUsd, l.maxTokens, now]);
  }
}

/** Replaces the limits and policy of the intent's own budget; false when it has none. */
export async function setIntentBudget(q: Queryable, ns: string, id: string, l: BudgetLimits): Promise<boolean> {
  const { rowCount } = await q.query(
    `update intent_budgets set max_usd = $3, max_tokens = $4, on_exceeded = $5 where namespace = $1 and intent_id = $2`,
    [ns, id, l.maxUsd, l.maxTokens, l.onExceeded]);
  return (rowCount ?? 0) > 0;
}

export interface DayBudget extends BudgetLimits {
  /** null: the whole namespace's. */
  type: string | null;
  day: string;
  spentUsd: number;
  spentTokens: number;
  updatedAt: Date;
}

const DAY_BUDGETS = `
  select dl.*, coalesce(du.cost_usd, 0) as spent_usd, coalesce(du.tokens, 0) as spent_tokens
  from day_budgets dl left join day_usage du on du.namespace = dl.namespace and du.type = dl.type and du.day = $2::date
  where dl.namespace = $1 and ($3::text is null or dl.type = $3)
  order by dl.type`;

const toDayBudget = (day: string) => (r: Record<string, unknown>): DayBudget => ({
  type: (r.type as string) === '' ? null : (r.type as string),
  day,
  maxUsd: num(r.max_usd),
  maxTokens: num(r.max_tokens),
  onExceeded: r.on_exceeded as BudgetPolicy,
  spentUsd: Number(r.spent_usd),
  spentTokens: Number(r.spent_tokens),
  updatedAt: date(r.updated_at),
});

/** The namespace's day budgets (or one type's, '' the namespace's own) with what `now`'s UTC day has spent. */
export async function dayBudgets(q: Queryable, ns: string, now: Date, type: string | null = null): Promise<DayBudget[]> {
  const day = utcDay(now);
  const { rows } = await q.query(DAY_BUDGETS, [ns, day, type]);
  return rows.map(toDayBudget(day));
}

/** Replaces a day budget (type '' for the namespace's), in the caller's transaction; null limits remove it. */
export async function setDayBudget(q: Queryable, ns: string, type: string, l: BudgetLimits | null, now: Date): Promise<DayBudget | null> {
  if (!l) {
    await q.query(`delete from day_budgets where namespace = $1 and type = $2`, [ns, type]);
    return null;
  }
  await q.query(`select pg_advisory_xact_lock(${DAY_USAGE_LOCK('$1')})`, [ns]);
  await q.query(`
    insert into day_budgets (namespace, type, max_usd, max_tokens, on_exceeded, updated_at) values ($1, $2, $3, $4, $5, $6)
    on conflict (namespace, type) do update set max_usd = excluded.max_usd, max_tokens = excluded.max_tokens,
      on_exceeded = excluded.on_exceeded, updated_at = excluded.updated_at`, [ns, type, l.maxUsd, l.maxTokens, l.onExceeded, now]);
  await q.query(SEED_DAY_USAGE, [ns, type, utcDay(now)]);
  return (await dayBudgets(q, ns, now, type))[0] ?? null;
}

// Counters move only while a day budget is set (SPEND), so setting one recounts today from
// the usage rows (an index range on step_usage_rollup): the check is exact from the start.
const SEED_DAY_USAGE = `
  insert into day_usage as d (namespace, type, day, cost_usd, tokens)
  select $1, $2, $3::date, coalesce(sum(u.cost_usd), 0), coalesce(sum(u.input_tokens + u.output_tokens), 0)
  from step_usage u
  where u.namespace = $1 and ($2 = '' or u.type = $2)
    and u.recorded_at >= ($3::date)::timestamp at time zone 'UTC' and u.recorded_at < ($3::date + 1)::timestamp at time zone 'UTC'
  on conflict (namespace, type, day) do update set cost_usd = excluded.cost_usd, tokens = excluded.tokens`;
