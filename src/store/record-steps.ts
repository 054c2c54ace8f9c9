/**
 * Many step records in one statement (group commit, services/step-groups.ts): the
 * batch form of recordStep in steps.ts, for records without model usage (whose
 * usage rows take a transaction). Each record still moves its own intent's seq
 * under its own lease, appends its event and inserts its row; a record the
 * statement leaves out (a lost lease, a name that has a result, a second record of
 * one intent in the batch) is for the caller to record alone, which writes it or
 * says why not.
 */
import type { Queryable } from '../db/types.ts';
import { TRANSITIONS, step } from '../core/lifecycle.ts';
import type { IntentStep } from '../core/model.ts';
import { type Change, toLeanChange, withEvent } from './events.ts';
import { lean } from './rows.ts';
import { overBudget } from './budget-check.ts';
import { type StepRecord, stepFromRow, STEP_COLUMNS } from './steps.ts';

export interface StepItem {
  id: string;
  token: string;
  record: StepRecord;
}

// The batch is one jsonb array (jsonb[] parameters are not portable to PGlite). The
// update reads the small fields; the row insert reads each output from the array again,
// by position, so outputs never come back in the update's `returning *`. Columns are
// b_-prefixed so that they do not shadow the intent's. A null result is stored as JSON
// null, as a lone record stores it (jsonb_to_recordset reads it as SQL NULL). Only
// results are batched (one event kind per statement); a step's error is recorded alone.
// The ids again as an array ($5) let the planner find the rows by primary key: it takes a
// jsonb_to_recordset for 100 rows, and for a join of 100 it scanned every RUNNING intent
// of the namespace (an index on status), or the whole table, once per batch. The rest is
// tested as `(…) is true` so that no other condition is an index condition (LEASE_HELD):
// through the index on lease expiry the statement read every RUNNING intent whose lease
// is live, and through intents_status every entry an intent that ever ran left there.
const BATCH = `jsonb_to_recordset($2::jsonb) as b(b_n int, b_id uuid, b_token uuid, b_name text, b_duration int, b_bytes int)`;

// the intent's state and the item's position, never the run's input or checkpoint
const BATCH_LEAN = lean(['b_n']);
const RECORD_MANY = withEvent(`
  update intents set last_seq = last_seq + 1, updated_at = $4
  from ${BATCH}
  where id = any($5::uuid[]) and id = b.b_id
    and (namespace = $1 and status = any($3::text[]) and lease_token = b.b_token and lease_expires_at > $4) is true
    and not ${overBudget('intents', '$4')}
    and not exists (select 1 from intent_steps s where s.intent_id = b.b_id and s.name = b.b_name and s.status = 'COMPLETED')`,
{
  actorIsLeaseHolder: true,
  data: `jsonb_build_object('name', b_name, 'attempt', attempt, 'durationMs', b_duration, 'outputBytes', b_bytes)`,
  also: {
    name: 'st',
    sql: `insert into intent_steps (intent_id, seq, namespace, name, attempt, status, output, output_bytes, duration_ms, error, recorded_at)
      select upd.id, upd.last_seq, upd.namespace, upd.b_name, upd.attempt, 'COMPLETED', coalesce(o.b_output, 'null'::jsonb), upd.b_bytes, upd.b_duration, null, $4
      from upd join jsonb_to_recordset($2::jsonb) as o(b_n int, b_output jsonb) on o.b_n = upd.b_n
      returning ${STEP_COLUMNS}`,
  },
  lean: BATCH_LEAN,
});

/** Whether a record can go in a batch: a result without model calls (an error, or usage rows, go alone). */
export const batchable = (r: StepRecord): boolean => r.error === null && r.usage.length === 0;

/**
 * Records the items (each batchable) in one statement; returns what it wrote by the
 * item's position (of two items for one intent only the one the update picked).
 */
export async function recordSteps(
  q: Queryable, ns: string, items: readonly StepItem[], actor: string | null, now: Date,
): Promise<Map<number, { step: IntentStep; change: Change }>> {
  // each output is already serialized JSON: spliced in, not parsed and serialized again
  const batch = `[${items.map((it, n) => {
    const r = it.record;
    const head = JSON.stringify({ b_n: n, b_id: it.id, b_token: it.token, b_name: r.name, b_duration: r.durationMs, b_bytes: r.outputBytes });
    return `${head.slice(0, -1)},"b_output":${r.outputJson ?? 'null'}}`;
  }).join(',')}]`;
  const ids = items.map((it) => it.id);
  const { rows } = await q.query(RECORD_MANY, [ns, batch, TRANSITIONS.recordStep.from, now, ids, step('recordStep').kind, actor]);
  return new Map(rows.map((row) => [Number(row.b_n), { step: stepFromRow(row), change: toLeanChange(row, BATCH_LEAN) }]));
}
