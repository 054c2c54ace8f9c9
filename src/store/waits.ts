/** SQL for the intent side of waits and for signals. Callers hold the intent's row lock (lockIntent). */
import type { Queryable } from '../db/types.ts';
import type { Step, WaitingFor } from '../core/lifecycle.ts';
import { type Change, eventParams, toChange, withEvent } from './events.ts';
import type { IntentEvent } from '../core/model.ts';
import { json, toEvent } from './rows.ts';
import { ending, stepParams } from './transition.ts';

export { type LockedIntent, lockIntent, wakeIntent } from './family.ts';

export interface WaitSpec {
  waitingFor: WaitingFor;
  /** The signal a SIGNAL wait expects; the approval an APPROVAL wait expects. */
  name: string | null;
  /** When a TIME wait ends or a SIGNAL wait times out. */
  wakeAt: Date | null;
  /** Saved with the wait when given; the stored checkpoint stays otherwise. */
  checkpoint: unknown;
}

const WAIT = withEvent(`
  update intents set status = $8, waiting_for = $3, wait_name = $4, wake_at = $5, checkpoint = coalesce($6::jsonb, checkpoint),
    lease_token = null, lease_expires_at = null, last_seq = last_seq + 1, updated_at = $7
  where namespace = $1 and id = $2`);

/** RUNNING → WAITING by `wait` (a step to WAITING), releasing the lease. */
export async function enterWait(
  tx: Queryable, ns: string, id: string, w: WaitSpec, wait: Step, actor: string | null, data: unknown, now: Date,
): Promise<Change> {
  const { rows } = await tx.query(WAIT, [ns, id, w.waitingFor, w.name, w.wakeAt, json(w.checkpoint), now, ...stepParams(wait, actor, data)]);
  return toChange(rows[0]!);
}

const NOTE = withEvent(`update intents set last_seq = last_seq + 1, updated_at = $3 where namespace = $1 and id = $2`);

/** An event that leaves the status and the wait as they are (a kept signal: a step to the status it has). */
export async function noteEvent(tx: Queryable, ns: string, id: string, note: Step, actor: string | null, data: unknown, now: Date): Promise<Change> {
  const { rows } = await tx.query(NOTE, [ns, id, now, ...eventParams({ kind: note.kind, actor, data })]);
  return toChange(rows[0]!);
}

const REWAIT = withEvent(`update intents set wait_name = $4, last_seq = last_seq + 1, updated_at = $3 where namespace = $1 and id = $2`);

/** The intent keeps waiting, now for `name` (an escalated approval's successor: a step to WAITING). */
export async function rewait(tx: Queryable, ns: string, id: string, name: string, again: Step, actor: string | null, data: unknown, now: Date): Promise<Change> {
  const { rows } = await tx.query(REWAIT, [ns, id, now, name, ...eventParams({ kind: again.kind, actor, data })]);
  return toChange(rows[0]!);
}

const FAIL_WAITING = withEvent(`
  update intents set ${ending('$5', '$3')}, error = $4::jsonb, last_seq = last_seq + 1, updated_at = $3
  where namespace = $1 and id = $2`);

/** WAITING → FAILED by `fail` (a step to FAILED), ending the wait. */
export async function failWaiting(
  tx: Queryable, ns: string, id: string, error: unknown, fail: Step, actor: string | null, data: unknown, now: Date,
): Promise<Change> {
  const { rows } = await tx.query(FAIL_WAITING, [ns, id, now, json(error), ...stepParams(fail, actor, data)]);
  return toChange(rows[0]!);
}

const DUE_WAITS = `
  select namespace, id from intents where status = 'WAITING' and wake_at <= $1 order by wake_at limit $2`;

export async function dueWaits(q: Queryable, now: Date, limit: number): Promise<{ namespace: string; id: string }[]> {
  return (await q.query<{ namespace: string; id: string }>(DUE_WAITS, [now, limit])).rows;
}

const LAST_WAKES = `
  select distinct on (intent_id) * from intent_events
  where namespace = $1 and intent_id = any($2::uuid[]) and data->>'wake' is not null
  order by intent_id, seq desc`;

/** The newest event that took each intent out of WAITING (its data.wake says why), in one query. */
export async function lastWakes(q: Queryable, ns: string, ids: readonly string[]): Promise<Map<string, IntentEvent>> {
  const { rows } = await q.query(LAST_WAKES, [ns, ids]);
  return new Map(rows.map((r) => [r.intent_id as string, toEvent(r)]));
}

const DONE_PARENTS = `
  select p.namespace, p.id from intents p
  where p.status = 'WAITING' and p.waiting_for = 'CHILDREN'
    and not exists (select 1 from intents c where c.parent_id = p.id and c.status <> all($1::text[]))
  limit $2`;

export async function parentsWithAllChildrenDone(q: Queryable, terminal: readonly string[], limit: number): Promise<{ namespace: string; id: string }[]> {
  return (await q.query<{ namespace: string; id: string }>(DONE_PARENTS, [terminal, limit])).rows;
}

export interface Signal {
  id: string;
  intentId: string;
  name: string;
  payload: unknown;
  sentBy: string | null;
  receivedAt: Date;
  consumedAt: Date | null;
}

const toSignal = (r: Record<string, unknown>): Signal => ({
  id: r.id as string,
  intentId: r.intent_id as string,
  name: r.name as string,
  payload: r.payload ?? null,
  sentBy: (r.sent_by as string | null) ?? null,
  receivedAt: new Date(r.received_at as string),
  consumedAt: r.consumed_at == null ? null : new Date(r.consumed_at as string),
});

const INSERT_SIGNAL = `
  insert into signals (id, namespace, intent_id, name, payload, sent_by, received_at, consumed_at)
  values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) returning *`;

export async function insertSignal(
  q: Queryable, ns: string, id: string, intentId: string, name: string, payload: unknown, by: string | null, now: Date, consumed: boolean,
): Promise<Signal> {
  const { rows } = await q.query(INSERT_SIGNAL, [id, ns, intentId, name, json(payload), by, now, consumed ? now : null]);
  return toSignal(rows[0]!);
}

const TAKE_SIGNAL = `
  update signals set consumed_at = $4
  where id = (select id from signals where namespace = $1 and intent_id = $2 and name = $3 and consumed_at is null
              order by seq limit 1)
  returning *`;

/** Consumes the oldest kept signal of that name, if any. */
export async function takeSignal(q: Queryable, ns: string, intentId: string, name: string, now: Date): Promise<Signal | null> {
  const { rows } = await q.query(TAKE_SIGNAL, [ns, intentId, name, now]);
  return rows[0] ? toSignal(rows[0]) : null;
}

const LIST_SIGNALS = `
  select * from signals
  where namespace = $1 and intent_id = $2 and ($3::text is null or name = $3::text)
    and ($4::uuid is null or seq > (select a.seq from signals a where a.namespace = $1 and a.intent_id = $2 and a.id = $4::uuid))
  order by seq
  limit $5`;

/** Oldest first, at most `first`, after the signal `after` (an unknown id gives an empty page). */
export async function listSignals(
  q: Queryable, ns: string, intentId: string, name: string | null, first: number, after: string | null,
): Promise<Signal[]> {
  const { rows } = await q.query(LIST_SIGNALS, [ns, intentId, name, after, first]);
  return rows.map(toSignal);
}
