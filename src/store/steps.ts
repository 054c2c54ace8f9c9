/**
 * Durable step records (migration 012): one row per step result or step error, written
 * once with its event, never rewritten. Lists leave the output out; it is read on its
 * own, by (intent, seq), only when someone asks for it.
 */
import type { Queryable } from '../db/types.ts';
import { TRANSITIONS, refusal, step } from '../core/lifecycle.ts';
import type { IntentStep, StepError } from '../core/model.ts';
import { type Change, toLeanChange, withEvent } from './events.ts';
import { LEASED, LEASE_HELD, getIntent, whyNot } from './intents.ts';
import { date, json, lean } from './rows.ts';
import type { Usage } from '../core/usage.ts';
import { STEP_USAGE_COLUMN, recordUsage, sum, toUsageList } from './usage.ts';

export interface StepRecord {
  name: string;
  /** Serialized JSON of the result (null for a failure); its length is the step's size. */
  outputJson: string | null;
  outputBytes: number;
  durationMs: number;
  error: StepError | null;
  /** Model calls the step reported, validated and priced (core/usage.ts). */
  usage: Usage[];
}

const COLUMNS = 'intent_id, seq, name, attempt, status, output_bytes, duration_ms, error, recorded_at';
export const STEP_COLUMNS = COLUMNS.split(', ').map((c) => `${c} as st_${c}`).join(', ');

// The intent's seq moves under its lease like a checkpoint's, and the event's data is
// what the log shows of the step. A COMPLETED record whose name already has one changes
// nothing: the first result stands (recordStep answers with it). The step row takes the
// seq the update gave the event, in the same statement (one round trip, no transaction).
const STEP_LEAN = lean();
const record = (lease: string) => withEvent(`
  update intents set last_seq = last_seq + 1, updated_at = $5
  where ${lease} and not ($7::text = 'COMPLETED' and exists (
    select 1 from intent_steps s where s.intent_id = $2 and s.name = $6 and s.status = 'COMPLETED'))`,
{
  actorIsLeaseHolder: true,
  data: `jsonb_strip_nulls(jsonb_build_object('name', $6::text, 'attempt', attempt, 'durationMs', $10::int, 'outputBytes', $11::int, 'error', $12::jsonb, 'usage', $14::jsonb))`,
  also: {
    name: 'st',
    sql: `insert into intent_steps (intent_id, seq, namespace, name, attempt, status, output, output_bytes, duration_ms, error, recorded_at)
      select id, last_seq, namespace, $6, attempt, $7, $13::jsonb, $11, $10, $12::jsonb, $5 from upd
      returning ${STEP_COLUMNS}`,
  },
  // a step's caller needs the intent's state, never its input or checkpoint
  lean: STEP_LEAN,
});
const RECORD = record(LEASED);
// the record of a step that ran while a budget was crossed (StepService): kept, then refused
const RECORD_OVER_BUDGET = record(LEASE_HELD);

// what the step's event shows of its model calls (timelines read events, not records)
function usageSummary(calls: readonly Usage[]): Record<string, unknown> | null {
  if (calls.length === 0) return null;
  const t = sum(calls);
  return { calls: t.calls, inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd: t.unpricedCalls === t.calls ? null : t.costUsd };
}

/** COLUMNS and the record's usage, for reads of `intent_steps s`. */
const READ_COLUMNS = `${COLUMNS}, ${STEP_USAGE_COLUMN}`;

export function toStep(r: Record<string, unknown>): IntentStep {
  return {
    intentId: r.intent_id as string,
    seq: r.seq as number,
    name: r.name as string,
    attempt: r.attempt as number,
    status: r.status as IntentStep['status'],
    outputBytes: r.output_bytes as number,
    durationMs: r.duration_ms as number,
    error: (r.error as StepError | null) ?? null,
    recordedAt: date(r.recorded_at),
    usage: toUsageList(r.usage),
  };
}

/**
 * Records a step under the caller's lease in one statement (so it needs no transaction of
 * its own): the event, and the row with the event's seq. Answers the step and the change, or (change null) the
 * result already recorded under that name.
 */
export async function recordStep(
  tx: Queryable, ns: string, id: string, token: string, s: StepRecord, actor: string | null, now: Date, overBudget = false,
): Promise<{ step: IntentStep; change: Change | null }> {
  const failed = s.error !== null;
  const action = failed ? 'recordStepFailure' : 'recordStep';
  const status = failed ? 'FAILED' : 'COMPLETED';
  const { rows } = await tx.query(overBudget ? RECORD_OVER_BUDGET : RECORD, [
    ns, id, TRANSITIONS[action].from, token, now, s.name, status,
    step(action).kind, actor, s.durationMs, s.outputBytes, json(s.error), s.outputJson, json(usageSummary(s.usage)),
  ]);
  if (!rows[0]) {
    // under a live lease the only reason left is a result already recorded under the name;
    // a lost lease or a finished intent is refused as for any other lease call
    const current = await getIntent(tx, ns, id);
    const existing = current && !failed && !refusal(action, current, token, now) ? await completedStep(tx, ns, id, s.name) : null;
    if (existing) return { step: existing, change: null };
    throw await whyNot(tx, ns, id, action, token, now);
  }
  const row = rows[0];
  const change = toLeanChange(row, STEP_LEAN);
  // a step that reported model calls is written in a transaction (StepService), so its usage rows land with it
  if (s.usage.length) await recordUsage(tx, ns, id, change.intent.lastSeq, s.usage, now);
  return { step: { ...stepFromRow(row), usage: s.usage }, change };
}

/** The step record in a row of a statement that inserted it (`st_`-prefixed columns, STEP_COLUMNS). */
export function stepFromRow(row: Record<string, unknown>): IntentStep {
  return toStep(Object.fromEntries(COLUMNS.split(', ').map((c) => [c, row[`st_${c}`]])));
}

export async function completedStep(q: Queryable, ns: string, id: string, name: string): Promise<IntentStep | null> {
  const { rows } = await q.query(
    `select ${READ_COLUMNS} from intent_steps s where namespace = $1 and intent_id = $2 and name = $3 and status = 'COMPLETED'`,
    [ns, id, name]);
  return rows[0] ? toStep(rows[0]) : null;
}

const STEPS_OF_MANY = `
  select ${READ_COLUMNS} from (
    select s.*, row_number() over (partition by s.intent_id order by s.seq) as rn
    from intent_steps s where s.namespace = $1 and s.intent_id = any($2::uuid[]) and ($4::text is null or s.name = $4)
  ) s where rn <= $3
  order by intent_id, seq`;

/** The first `limit` step records of each of several intents (optionally of one name), without outputs, in one query. */
export async function listStepsOfMany(
  q: Queryable, ns: string, ids: readonly string[], limit: number, name: string | null = null,
): Promise<Map<string, IntentStep[]>> {
  const { rows } = await q.query(STEPS_OF_MANY, [ns, ids, limit, name]);
  const byIntent = new Map<string, IntentStep[]>();
  for (const r of rows) {
    const s = toStep(r);
    let list = byIntent.get(s.intentId);
    if (!list) byIntent.set(s.intentId, (list = []));
    list.push(s);
  }
  return byIntent;
}

/** Outputs of several step records, by `${intentId}/${seq}`, in one query. */
export async function stepOutputs(
  q: Queryable, ns: string, keys: readonly { intentId: string; seq: number }[],
): Promise<Map<string, unknown>> {
  const { rows } = await q.query(
    `select s.intent_id, s.seq, s.output from intent_steps s
     join unnest($2::uuid[], $3::int[]) as k(intent_id, seq) on s.intent_id = k.intent_id and s.seq = k.seq
     where s.namespace = $1`,
    [ns, keys.map((k) => k.intentId), keys.map((k) => k.seq)]);
  return new Map(rows.map((r) => [`${r.intent_id as string}/${r.seq as number}`, r.output ?? null]));
}
