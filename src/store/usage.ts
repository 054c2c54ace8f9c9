/**
 * LLM usage rows (migration 016): one per model call a step reported, written with the
 * step record, and a running total per intent moved in the same transaction.
 */
import type { Queryable } from '../db/types.ts';
import type { Usage, UsageTotals } from '../core/usage.ts';
import { DAY_USAGE_LOCK, spend } from './budgets.ts';

const INSERT_CALLS = `
  insert into step_usage (intent_id, seq, namespace, type, provider, model, input_tokens, output_tokens, cached_tokens, cost_usd, recorded_at)
  select i.id, $2, i.namespace, i.type, u.provider, u.model, u.input_tokens, u.output_tokens, u.cached_tokens, u.cost_usd, $3
  from intents i, jsonb_to_recordset($4::jsonb)
    as u(provider text, model text, input_tokens bigint, output_tokens bigint, cached_tokens bigint, cost_usd numeric)
  where i.id = $1`;

// Takes the namespace's day-usage lock shared (budgets.ts DAY_USAGE_LOCK) in this statement,
// before the spend's own statement reads which day budgets are set.
const ADD_TOTAL = `
  insert into intent_usage as t (intent_id, namespace, calls, input_tokens, output_tokens, cached_tokens, cost_usd, unpriced_calls)
  select $1::uuid, $2::text, $3::int, $4::bigint, $5::bigint, $6::bigint, $7::numeric, $8::int from (select pg_advisory_xact_lock_shared(${DAY_USAGE_LOCK('$2')})) as l
  on conflict (intent_id) do update set
    calls = t.calls + excluded.calls, input_tokens = t.input_tokens + excluded.input_tokens,
    output_tokens = t.output_tokens + excluded.output_tokens, cached_tokens = t.cached_tokens + excluded.cached_tokens,
    cost_usd = t.cost_usd + excluded.cost_usd, unpriced_calls = t.unpriced_calls + excluded.unpriced_calls`;

export function sum(calls: readonly Usage[]): UsageTotals {
  return {
    calls: calls.length,
    inputTokens: calls.reduce((n, u) => n + u.inputTokens, 0),
    outputTokens: calls.reduce((n, u) => n + u.outputTokens, 0),
    cachedTokens: calls.reduce((n, u) => n + u.cachedTokens, 0),
    costUsd: calls.reduce((n, u) => n + (u.costUsd ?? 0), 0),
    unpricedCalls: calls.filter((u) => u.costUsd === null).length,
  };
}

/** Writes a step's calls and adds them to the intent's total, in the caller's transaction. */
export async function recordUsage(tx: Queryable, ns: string, id: string, seq: number, calls: readonly Usage[], now: Date): Promise<void> {
  if (calls.length === 0) return;
  await tx.query(INSERT_CALLS, [id, seq, now, JSON.stringify(calls.map((u) => ({
    provider: u.provider, model: u.model, input_tokens: u.inputTokens, output_tokens: u.outputTokens,
    cached_tokens: u.cachedTokens, cost_usd: u.costUsd,
  })))]);
  const t = sum(calls);
  await tx.query(ADD_TOTAL, [id, ns, t.calls, t.inputTokens, t.outputTokens, t.cachedTokens, t.costUsd, t.unpricedCalls]);
  // the budgets' running totals move with the rows; unpriced calls add tokens but no cost
  await spend(tx, id, t.costUsd, t.inputTokens + t.outputTokens, now);
}

/** A step record's usage as JSON, for the step queries' select lists (`s` is intent_steps). */
export const STEP_USAGE_COLUMN = `(select coalesce(jsonb_agg(jsonb_build_object(
    'provider', u.provider, 'model', u.model, 'inputTokens', u.input_tokens, 'outputTokens', u.output_tokens,
    'cachedTokens', u.cached_tokens, 'costUsd', u.cost_usd) order by u.ctid), '[]'::jsonb)
  from step_usage u where u.intent_id = s.intent_id and u.seq = s.seq) as usage`;

export function toUsageList(v: unknown): Usage[] {
  return ((v as Record<string, unknown>[] | null) ?? []).map((u) => ({
    provider: (u.provider as string | null) ?? null,
    model: u.model as string,
    inputTokens: Number(u.inputTokens),
    outputTokens: Number(u.outputTokens),
    cachedTokens: Number(u.cachedTokens),
    costUsd: u.costUsd == null ? null : Number(u.costUsd),
  }));
}

const TOTAL_COLUMNS = `coalesce(sum(t.calls), 0) as calls, coalesce(sum(t.input_tokens), 0) as input_tokens,
  coalesce(sum(t.output_tokens), 0) as output_tokens, coalesce(sum(t.cached_tokens), 0) as cached_tokens,
  coalesce(sum(t.cost_usd), 0) as cost_usd, coalesce(sum(t.unpriced_calls), 0) as unpriced_calls`;

function toTotals(r: Record<string, unknown> | undefined): UsageTotals {
  return {
    calls: Number(r?.calls ?? 0),
    inputTokens: Number(r?.input_tokens ?? 0),
    outputTokens: Number(r?.output_tokens ?? 0),
    cachedTokens: Number(r?.cached_tokens ?? 0),
    costUsd: Number(r?.cost_usd ?? 0),
    unpricedCalls: Number(r?.unpriced_calls ?? 0),
  };
}

/** Running totals of several intents, own calls only, in one query. */
export async function totalsOf(q: Queryable, ns: string, ids: readonly string[]): Promise<Map<string, UsageTotals>> {
  const { rows } = await q.query(`select t.intent_id, ${TOTAL_COLUMNS} from intent_usage t
    where t.namespace = $1 and t.intent_id = any($2::uuid[]) group by t.intent_id`, [ns, ids]);
  return new Map(rows.map((r) => [r.intent_id as string, toTotals(r)]));
}

/** The totals of one intent and all its descendants (children, their children…). */
export async function familyTotals(q: Queryable, ns: string, id: string): Promise<UsageTotals> {
  const { rows } = await q.query(`
    with recursive tree(id) as (
      select id from intents where namespace = $1 and id = $2
      union select c.id from intents c join tree on c.parent_id = tree.id where c.namespace = $1
    )
    select ${TOTAL_COLUMNS} from intent_usage t join tree on t.intent_id = tree.id`, [ns, id]);
  return toTotals(rows[0]);
}

export type UsageGroup = 'TYPE' | 'MODEL' | 'DAY';

export interface UsageBucket extends UsageTotals {
  type: string | null;
  model: string | null;
  /** UTC day, YYYY-MM-DD. */
  day: string | null;
}

export interface UsageQuery {
  from: Date;
  to: Date;
  type: string | null;
  model: string | null;
  groupBy: readonly UsageGroup[];
  limit: number;
}

const GROUP_EXPR: Record<UsageGroup, string> = {
  TYPE: 'type',
  MODEL: 'model',
  DAY: `to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD')`,
};

/** Calls summed per group over [from, to), at most `limit` groups (newest day, then name, first). */
export async function rollup(q: Queryable, ns: string, u: UsageQuery): Promise<UsageBucket[]> {
  const exprs = u.groupBy.map((g) => `${GROUP_EXPR[g]} as ${g.toLowerCase()}`);
  const order = u.groupBy.map((g) => (g === 'DAY' ? 'day desc' : g.toLowerCase()));
  const { rows } = await q.query(`
    select ${[...exprs, ''].join(', ')}
      count(*) as calls, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
      sum(cached_tokens) as cached_tokens, coalesce(sum(cost_usd), 0) as cost_usd,
      count(*) filter (where cost_usd is null) as unpriced_calls
    from step_usage
    where namespace = $1 and recorded_at >= $2 and recorded_at < $3
      and ($4::text is null or type = $4) and ($5::text is null or model = $5)
    ${u.groupBy.length ? `group by ${u.groupBy.map((_, i) => i + 1).join(', ')} order by ${order.join(', ')}` : ''}
    limit $6`, [ns, u.from, u.to, u.type, u.model, u.limit]);
  return rows.map((r) => ({
    ...toTotals(r),
    type: (r.type as string | undefined) ?? null,
    model: (r.model as string | undefined) ?? null,
    day: (r.day as string | undefined) ?? null,
  }));
}
