/**
 * A run's last step and its completion in one statement (issue 20): the step's record
 * and event, then the COMPLETED event, under one update of the intent row. A worker
 * whose handler returned right after a step saves a request, a commit and a hop.
 */
import type { Queryable } from '../db/types.ts';
import { TRANSITIONS, step } from '../core/lifecycle.ts';
import type { Change } from './events.ts';
import { LEASED } from './intents.ts';
import { json, toEvent, toIntent } from './rows.ts';
import type { StepRecord } from './steps.ts';
import { ending } from './transition.ts';

// The update bumps last_seq by two: the step's event takes the first seq, COMPLETED the
// second. Both events come from one insert, the step's first, so their ids (the stream's
// order within the transaction) follow their seqs. A name that already has a result, a
// child intent (it completes under its parent's lock) or a lost lease change nothing: the
// caller then records and completes the usual way, which answers or explains.
const COMPLETE_WITH_STEP = `
  with upd as (
    update intents set ${ending('$7', '$5')}, output = $6::jsonb, error = null, last_seq = last_seq + 2, updated_at = $5
    where ${LEASED} and parent_id is null and not exists (
      select 1 from intent_steps s where s.intent_id = $2 and s.name = $10 and s.status = 'COMPLETED')
    returning *
  ),
  ev as (
    insert into intent_events (namespace, intent_id, seq, kind, status, waiting_for, actor, data, at, tx)
    select u.namespace, u.id, u.last_seq - k.back, case k.back when 1 then $11 else $8 end,
      case k.back when 1 then $12 else u.status end, u.waiting_for, coalesce($9, u.lease_agent),
      case k.back when 1 then jsonb_build_object('name', $10::text, 'attempt', u.attempt, 'durationMs', $13::int, 'outputBytes', $14::int) end,
      u.updated_at, u.last_tx
    from upd u, (values (1), (0)) as k(back)
    order by k.back desc
    returning intent_id as ev_intent_id, seq as ev_seq, id::text as ev_id, kind as ev_kind, status as ev_status, actor as ev_actor, data as ev_data, tx::text as ev_tx
  ),
  st as (
    insert into intent_steps (intent_id, seq, namespace, name, attempt, status, output, output_bytes, duration_ms, error, recorded_at)
    select id, last_seq - 1, namespace, $10, attempt, 'COMPLETED', $15::jsonb, $14, $13, null, $5 from upd
    returning intent_id as st_intent_id
  )
  select upd.*, ev.* from upd join ev on ev.ev_intent_id = upd.id join st on st.st_intent_id = upd.id
  order by ev.ev_seq`;

/** Where both transitions may start: a step is recorded, and a run completed, only while RUNNING under the lease. */
const FROM = TRANSITIONS.complete.from.filter((s) => (TRANSITIONS.recordStep.from as readonly string[]).includes(s));

/**
 * Records a successful step (without model usage) and completes the intent with `output`,
 * in one statement. Answers the two changes (the step's, then the completion), or null
 * when it changed nothing.
 */
export async function completeWithStep(
  q: Queryable, ns: string, id: string, token: string, s: StepRecord, output: unknown, actor: string | null, now: Date,
): Promise<Change[] | null> {
  const [done, recorded] = [step('complete'), step('recordStep')];
  const { rows } = await q.query(COMPLETE_WITH_STEP, [
    ns, id, FROM, token, now, json(output), done.to, done.kind, actor,
    s.name, recorded.kind, recorded.to, s.durationMs, s.outputBytes, s.outputJson,
  ]);
  if (rows.length !== 2) return null;
  const intent = toIntent(rows[0]!);
  return rows.map((r) => ({
    intent,
    event: toEvent({
      id: r.ev_id, namespace: intent.namespace, intent_id: intent.id, seq: r.ev_seq, kind: r.ev_kind, status: r.ev_status,
      waiting_for: null, actor: r.ev_actor, data: r.ev_data, at: intent.updatedAt, tx: r.ev_tx,
    }),
  }));
}
