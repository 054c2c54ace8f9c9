/**
 * Forks (migration 015): a new PENDING intent made from another one, with the original's
 * completed step results recorded before the chosen step copied in as its own records.
 * The SDKs replay a step that has a record, so the fork's run returns those results
 * without running them again and runs the chosen step and everything after it fresh.
 */
import type { Queryable } from '../db/types.ts';
import { AxmeError, badInput, notFound } from '../core/errors.ts';
import { step } from '../core/lifecycle.ts';
import type { BudgetLimits } from '../core/budget.ts';
import type { Intent } from '../core/model.ts';
import { type Change, toChange } from './events.ts';
import { getIntent } from './intents.ts';
import { json, toEvent, toIntent } from './rows.ts';

export interface NewFork {
  id: string;
  /** null: the original's type. */
  type: string | null;
  input: unknown;
  /** null: the original's labels. */
  labels: string[] | null;
  idempotencyKey: string | null;
  fromStep: string | null;
  fromSeq: number | null;
  /**
   * Its own budget, spent from zero (a fork is a new run). Absent: the limits and policy
   * of the original's own budget, if it set one; null: none. It is not the original's
   * parent's child, so no ancestor budget counts its usage.
   */
  budget?: BudgetLimits | null;
}

/** Where the fork runs again from: a step record of the original (null: nothing, replay all). */
interface Cut {
  name: string;
  seq: number;
}

// By name, the step's first record (its first failure or its result, whichever came
// first); by seq, that record itself.
const FIND_CUT = `
  select name, seq from intent_steps
  where namespace = $1 and intent_id = $2 and (($3::text is not null and name = $3) or ($4::int is not null and seq = $4))
  order by seq limit 1`;

async function findCut(q: Queryable, ns: string, original: Intent, f: NewFork): Promise<Cut | null> {
  if (f.fromStep === null && f.fromSeq === null) return null;
  const { rows } = await q.query(FIND_CUT, [ns, original.id, f.fromStep, f.fromSeq]);
  if (rows[0]) return { name: rows[0].name as string, seq: rows[0].seq as number };
  const what = f.fromStep !== null ? `no step named "${f.fromStep}"` : `no step record at seq ${f.fromSeq}`;
  throw badInput(`intent ${original.id} has ${what}; fork from a step it recorded (see Intent.steps)`, {
    reason: 'UNKNOWN_STEP', id: original.id, fromStep: f.fromStep, fromSeq: f.fromSeq,
  });
}

// One statement: the intent, its SUBMITTED event (seq 1), then one STEP_COMPLETED event
// and record per copied step (seq 2, 3, ... in the original's record order). A used
// idempotency key inserts nothing (settleFork explains).
const FORK = `
  with src as (
    select * from intents where namespace = $1 and id = $2
  ), copied as (
    select s.*, 1 + row_number() over (order by s.seq) as new_seq from intent_steps s
    where s.namespace = $1 and s.intent_id = $2 and s.status = 'COMPLETED' and ($3::int is null or s.seq < $3)
  ), ins as (
    insert into intents (id, namespace, type, status, input, max_attempts, priority, idempotency_key, labels,
                         run_at, created_at, updated_at, last_seq, retry_policy, attempt_timeout_seconds,
                         concurrency_key, concurrency_limit, forked_from, forked_from_step, forked_from_seq, budget_ids)
    select $4, src.namespace, coalesce($5, src.type), $6, $7::jsonb, src.max_attempts, src.priority, $8, coalesce($9::text[], src.labels),
           $10, $10, $10, 1 + (select count(*) from copied), src.retry_policy, src.attempt_timeout_seconds,
           src.concurrency_key, src.concurrency_limit, src.id, $11, $3,
           case when $15::numeric is not null or $16::bigint is not null then array[$4::uuid] end
    from src
    on conflict (namespace, idempotency_key) do nothing
    returning *
  ), budget as (
    insert into intent_budgets (intent_id, namespace, max_usd, max_tokens, on_exceeded)
    select ins.id, ins.namespace, $15, $16, $17 from ins where $15::numeric is not null or $16::bigint is not null
  ), ev as (
    insert into intent_events (namespace, intent_id, seq, kind, status, actor, data, at)
    select ins.namespace, ins.id, 1, $12, ins.status, $13,
           jsonb_strip_nulls(jsonb_build_object('forkedFrom', $2::uuid, 'fromStep', $11::text, 'fromSeq', $3::int,
             'copiedSteps', (select count(*) from copied))), $10
    from ins
    returning intent_id as ev_intent_id, id::text as ev_id, kind as ev_kind, actor as ev_actor, data as ev_data, tx::text as ev_tx
  ), step_events as (
    insert into intent_events (namespace, intent_id, seq, kind, status, actor, data, at)
    select ins.namespace, ins.id, c.new_seq, $14, ins.status, $13,
           jsonb_build_object('name', c.name, 'attempt', 0, 'durationMs', c.duration_ms, 'outputBytes', c.output_bytes,
             'copiedFrom', jsonb_build_object('intentId', c.intent_id, 'seq', c.seq)), $10
    from ins, copied c
  ), step_rows as (
    insert into intent_steps (intent_id, seq, namespace, name, attempt, status, output, output_bytes, duration_ms, error, recorded_at)
    select ins.id, c.new_seq, ins.namespace, c.name, 0, 'COMPLETED', c.output, c.output_bytes, c.duration_ms, null, $10
    from ins, copied c
  )
  select ins.*, ev.* from ins join ev on ev.ev_intent_id = ins.id`;

/**
 * Forks `originalId` in the caller's transaction. Answers the fork and its change, or
 * (change null) the fork an earlier call with the same idempotency key made.
 */
export async function forkIntent(
  tx: Queryable, ns: string, originalId: string, f: NewFork, actor: string | null, now: Date,
): Promise<{ intent: Intent; change: Change | null }> {
  const original = await getIntent(tx, ns, originalId);
  if (!original) throw notFound('intent', originalId);
  const cut = await findCut(tx, ns, original, f);
  const submitted = step('fork');
  const budget = f.budget === undefined ? await ownBudget(tx, original.id) : f.budget;
  const { rows } = await tx.query(FORK, [
    ns, original.id, cut?.seq ?? null, f.id, f.type, submitted.to, json(f.input) ?? 'null', f.idempotencyKey, f.labels,
    now, cut?.name ?? null, submitted.kind, actor, step('copyStep').kind, budget?.maxUsd ?? null, budget?.maxTokens ?? null,
    budget?.onExceeded ?? 'FAIL',
  ]);
  if (!rows[0]) return { intent: await settleFork(tx, ns, original.id, f), change: null };
  // the change is the SUBMITTED event; its announcement wakes claimers of the type
  const change = toChange(rows[0]);
  change.event = toEvent({ ...rows[0], id: rows[0].ev_id, intent_id: change.intent.id, seq: 1, kind: rows[0].ev_kind,
    actor: rows[0].ev_actor, data: rows[0].ev_data, at: now, tx: rows[0].ev_tx, status: change.intent.status, waiting_for: null });
  return { intent: change.intent, change };
}

/** The limits of the budget the intent set itself (not one it inherits); null without one. */
async function ownBudget(q: Queryable, id: string): Promise<BudgetLimits | null> {
  const { rows } = await q.query(`select max_usd, max_tokens, on_exceeded from intent_budgets where intent_id = $1`, [id]);
  const r = rows[0];
  return r ? { maxUsd: r.max_usd == null ? null : Number(r.max_usd), maxTokens: r.max_tokens == null ? null : Number(r.max_tokens),
    onExceeded: r.on_exceeded as BudgetLimits['onExceeded'] } : null;
}

/** A used idempotency key: the fork it made, when it forked the same intent with the same input; CONFLICT otherwise. */
async function settleFork(q: Queryable, ns: string, originalId: string, f: NewFork): Promise<Intent> {
  const { rows } = await q.query(
    `select *, (forked_from = $3 and input = $4::jsonb) as same from intents where namespace = $1 and idempotency_key = $2`,
    [ns, f.idempotencyKey, originalId, json(f.input) ?? 'null']);
  const row = rows[0];
  if (!row) throw new AxmeError('CONFLICT', 'idempotency key is in use; retry the fork');
  if (!row.same) {
    throw new AxmeError('CONFLICT', 'idempotency key was already used for another intent or another input', {
      idempotencyKey: f.idempotencyKey, intentId: row.id,
    });
  }
  return toIntent(row);
}

/** The forks of several intents, oldest first, by original id (for the `forks` loader). */
export async function forksOfMany(q: Queryable, ns: string, ids: readonly string[], limit: number): Promise<Map<string, Intent[]>> {
  const { rows } = await q.query(
    `select * from (
       select i.*, row_number() over (partition by i.forked_from order by i.created_at, i.id) as rn
       from intents i where i.namespace = $1 and i.forked_from = any($2::uuid[])
     ) x where rn <= $3 order by forked_from, created_at, id`,
    [ns, ids, limit]);
  const byOriginal = new Map<string, Intent[]>();
  for (const r of rows) {
    const i = toIntent(r);
    let list = byOriginal.get(i.forkedFrom!);
    if (!list) byOriginal.set(i.forkedFrom!, (list = []));
    list.push(i);
  }
  return byOriginal;
}
