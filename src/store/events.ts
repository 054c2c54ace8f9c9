import type { EventKind } from '../core/lifecycle.ts';
import type { Queryable } from '../db/types.ts';
import type { Intent, IntentEvent } from '../core/model.ts';
import { type Lean, json, toEvent, toIntent, toLeanIntent } from './rows.ts';

/**
 * Turns `UPDATE intents ... ` (without RETURNING) into one statement that also
 * appends an event for every row it changes: same statement, same transaction, and
 * each event's seq is the last_seq the update just bumped under its row lock. The
 * update must set `last_seq = last_seq + 1` and `updated_at` (the event's time). Its
 * own parameters come first; kind and actor follow them, then the data: a parameter,
 * or `opts.data`, a jsonb expression over the updated row for statements that change
 * many rows (its own parameters, if any, start where the data parameter would be).
 */
export interface WithEventOptions {
  actorIsLeaseHolder?: boolean;
  /** SQL of the event's data; default the parameter after the actor. */
  data?: string;
  /**
   * One more write in the same statement, reading `upd`: a CTE named `name` whose columns
   * are prefixed `<name>_` and include `<name>_intent_id`, joined to the result by it.
   */
  also?: { name: string; sql: string };
  /**
   * Answer the intent without its payloads (rows.ts INTENT_PAYLOAD_COLUMNS): for a write
   * whose caller needs only the intent's state. A step record is one: without this, every
   * step had PostgreSQL render, and the server parse, the run's whole input and checkpoint
   * (up to 1 MiB each), so a step's cost grew with the input instead of its own size.
   * Read its rows with toLeanChange(row, the same Lean).
   */
  lean?: Lean;
}

export function withEvent(updateSql: string, opts: WithEventOptions = {}): string {
  const n = Math.max(0, ...[...updateSql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  // an agent acting under its lease is the actor even when the caller has no principal
  const actor = opts.actorIsLeaseHolder ? `coalesce($${n + 2}, lease_agent)` : `$${n + 2}`;
  const data = opts.data ?? `$${n + 3}::jsonb`;
  return `with upd as (${updateSql} returning *),
    ev as (
      insert into intent_events (namespace, intent_id, seq, kind, status, waiting_for, actor, data, at, tx)
      select namespace, id, last_seq, $${n + 1}, status, waiting_for, ${actor}, ${data}, updated_at, last_tx from upd
      returning intent_id as ev_intent_id, id::text as ev_id, kind as ev_kind, actor as ev_actor, data as ev_data, tx::text as ev_tx
    )${opts.also ? `,
    ${opts.also.name} as (${opts.also.sql})` : ''}
    select ${opts.lean ? opts.lean.columns('upd') : 'upd.*'}, ev.*${opts.also ? `, ${opts.also.name}.*` : ''} from upd join ev on ev.ev_intent_id = upd.id${
    opts.also ? ` join ${opts.also.name} on ${opts.also.name}.${opts.also.name}_intent_id = upd.id` : ''}`;
}

export interface EventSpec {
  kind: EventKind;
  actor: string | null;
  data?: unknown;
}

export const eventParams = (e: EventSpec): unknown[] => [e.kind, e.actor, json(e.data)];

export interface Change {
  intent: Intent;
  event: IntentEvent;
  /** Changes to other intents made in the same transaction (a woken parent, cancelled children). */
  also?: Change[];
}

/** A row of a `withEvent` statement built with `lean`: its change, whose intent is marked with the payloads it lacks (model.ts). */
export const toLeanChange = (r: Record<string, unknown>, l: Lean): Change => changeOf(r, toLeanIntent(r, l));

/** Splits a row of a `withEvent` statement into the intent and its new event. */
export const toChange = (r: Record<string, unknown>): Change => changeOf(r, toIntent(r));

function changeOf(r: Record<string, unknown>, intent: Intent): Change {
  return {
    intent,
    event: toEvent({
      id: r.ev_id,
      namespace: intent.namespace,
      intent_id: intent.id,
      seq: intent.lastSeq,
      kind: r.ev_kind,
      status: intent.status,
      waiting_for: intent.waitingFor,
      actor: r.ev_actor,
      data: r.ev_data,
      at: intent.updatedAt,
      tx: r.ev_tx,
    }),
  };
}

const LIST_EVENTS = `
  select * from intent_events
  where namespace = $1 and intent_id = $2 and seq > $3
  order by seq
  limit $4`;

export async function listEvents(q: Queryable, ns: string, intentId: string, afterSeq: number, limit: number): Promise<IntentEvent[]> {
  const { rows } = await q.query(LIST_EVENTS, [ns, intentId, afterSeq, limit]);
  return rows.map(toEvent);
}

const EVENTS_OF_MANY = `
  select * from (
    select e.*, row_number() over (partition by e.intent_id order by e.seq) as rn
    from intent_events e where e.namespace = $1 and e.intent_id = any($2::uuid[])
  ) x where rn <= $3
  order by intent_id, seq`;

/** The first `limit` events of each of several intents, in one query (for per-request loaders). */
export async function listEventsOfMany(q: Queryable, ns: string, ids: readonly string[], limit: number): Promise<Map<string, IntentEvent[]>> {
  const { rows } = await q.query(EVENTS_OF_MANY, [ns, ids, limit]);
  const byIntent = new Map<string, IntentEvent[]>();
  for (const r of rows) {
    const e = toEvent(r);
    let list = byIntent.get(e.intentId);
    if (!list) byIntent.set(e.intentId, (list = []));
    list.push(e);
  }
  return byIntent;
}
