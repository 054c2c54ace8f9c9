/**
 * The namespace-wide event stream and its cursor.
 *
 * Why not the bigserial id: ids are taken at insert, commits happen later, so a row
 * with a smaller id can become visible after a reader already moved past it.
 *
 * The position of an event is (tx, id), where tx is the writing transaction's xid8
 * raised to at least the tx of the intent's previous event (migration 003 keeps
 * that floor in intents.last_tx, under the row lock that already serializes an
 * intent's events). Readers only read events with tx < xmin, the oldest xid still
 * running in their own snapshot (pg_snapshot_xmin(pg_current_snapshot())):
 *
 * - Every transaction that is running, or will ever start, has xid >= xmin, and an
 *   event's tx is never below its own transaction's xid; so no event below xmin can
 *   appear later. Everything a reader returns below xmin is final, and a cursor
 *   taken from it can never be overtaken by a late commit.
 * - The floor makes stream order agree with per-intent seq order: without it, a
 *   transaction that took its xid before waiting on the intent's row lock could
 *   write seq n+1 with a smaller xid than seq n (the lead's "rare race"; the
 *   concurrency test provokes it on purpose). With it, seq n+1 has tx >= seq n's
 *   and, being inserted later, a larger id.
 * - Per intent, order is final at commit (a later event of the intent must wait
 *   for the row lock, so it lands after). That is why cursors from the per-intent
 *   queries may point past xmin and are still safe to resume an intent's stream from.
 *
 * The price: an event becomes readable only once every older transaction on the
 * database has finished, so a long-open transaction delays streams (never loses
 * events). Readers see `held` rows (committed, above xmin) and look again soon.
 * The alternative, a single sequencer numbering events after commit, costs an extra
 * serialized write per event and its own lag; this costs one column and an index.
 */
import { badInput } from '../core/errors.ts';
import type { Queryable } from '../db/types.ts';
import type { EventKind, Status } from '../core/lifecycle.ts';
import type { IntentEvent } from '../core/model.ts';
import { toEvent } from './rows.ts';

export interface Position {
  /** xid8 as decimal text */
  tx: string;
  /** intent_events.id as decimal text */
  id: string;
}

export const ORIGIN: Position = { tx: '0', id: '0' };

export interface StreamEvent extends IntentEvent {
  intentType: string;
  parentId: string | null;
}

export interface StreamFilter {
  intentId: string | null;
  types: string[] | null;
  statuses: Status[] | null;
  kinds: EventKind[] | null;
  parentId: string | null;
}

export const positionOf = (e: Pick<IntentEvent, 'tx' | 'id'>): Position => ({ tx: e.tx, id: e.id });

export function comparePositions(a: Position, b: Position): number {
  const t = BigInt(a.tx) - BigInt(b.tx);
  if (t !== 0n) return t < 0n ? -1 : 1;
  const i = BigInt(a.id) - BigInt(b.id);
  return i === 0n ? 0 : i < 0n ? -1 : 1;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(`e1:${p.tx}:${p.id}`).toString('base64url');
}

// a transaction id is an unsigned 64-bit xid8, an event id a signed 64-bit bigserial
const MAX_TX = 2n ** 64n - 1n;
const MAX_ID = 2n ** 63n - 1n;

/** A cursor from encodeCursor; one whose numbers no xid8 or bigint can hold is BAD_USER_INPUT, before any SQL sees it. */
export function decodeCursor(s: string, field = 'after'): Position {
  const m = /^e1:(\d{1,20}):(\d{1,19})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m || BigInt(m[1]!) > MAX_TX || BigInt(m[2]!) > MAX_ID) {
    throw badInput(`${field} is not an event cursor`, { field, value: s.slice(0, 200) });
  }
  // canonical decimal text (no leading zeros), as positions are compared and echoed back
  return { tx: BigInt(m[1]!).toString(), id: BigInt(m[2]!).toString() };
}

export function matches(f: StreamFilter, e: StreamEvent): boolean {
  return (
    (f.intentId === null || e.intentId === f.intentId) &&
    (f.types === null || f.types.includes(e.intentType)) &&
    (f.statuses === null || f.statuses.includes(e.status)) &&
    (f.kinds === null || f.kinds.includes(e.kind)) &&
    (f.parentId === null || e.parentId === f.parentId)
  );
}

const COLUMNS = `e.id::text as id, e.namespace, e.intent_id, e.seq, e.kind, e.status, e.waiting_for, e.actor, e.data, e.at,
  e.tx::text as tx, i.type as intent_type, i.parent_id as intent_parent_id`;

const toStreamEvent = (r: Record<string, unknown>): StreamEvent => ({
  ...toEvent(r),
  intentType: r.intent_type as string,
  parentId: (r.intent_parent_id as string | null) ?? null,
});

// `held`: committed but not yet final (an older transaction is still running).
// Rows come in position order, so every row after the first held one is held too.
const READ_FEED = `
  with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
  select ${COLUMNS}, e.tx >= snap.xmin as held
  from snap, intent_events e join intents i on i.id = e.intent_id
  where e.namespace = $1 and (e.tx, e.id) > ($2::xid8, $3::bigint)
  order by e.tx, e.id
  limit $4`;

/** The next final events after `from`, and whether committed ones wait behind an older transaction. */
export async function readFeed(
  q: Queryable, ns: string, from: Position, limit: number,
): Promise<{ events: StreamEvent[]; held: boolean }> {
  const { rows } = await q.query<Record<string, unknown>>(READ_FEED, [ns, from.tx, from.id, limit]);
  const firstHeld = rows.findIndex((r) => r.held);
  const final = firstHeld < 0 ? rows : rows.slice(0, firstHeld);
  return { events: final.map(toStreamEvent), held: firstHeld >= 0 };
}

// Ordered by the columns themselves (qualified): the text aliases would sort as text
// ('9' after '10') and could not use intent_events_stream.
const HEAD = `
  select e.tx::text as tx, e.id::text as id from intent_events e
  where e.namespace = $1 and e.tx < pg_snapshot_xmin(pg_current_snapshot())
  order by e.tx desc, e.id desc
  limit 1`;

/** The newest final position: where a stream "from now" starts. */
export async function streamHead(q: Queryable, ns: string): Promise<Position> {
  const { rows } = await q.query<Position>(HEAD, [ns]);
  return rows[0] ?? ORIGIN;
}

const READ_RANGE = `
  select ${COLUMNS}
  from intent_events e join intents i on i.id = e.intent_id
  where e.namespace = $1 and (e.tx, e.id) > ($2::xid8, $3::bigint) and (e.tx, e.id) <= ($4::xid8, $5::bigint)
    and ($6::uuid is null or e.intent_id = $6::uuid)
    and ($7::text[] is null or i.type = any($7::text[]))
    and ($8::text[] is null or e.status = any($8::text[]))
    and ($9::text[] is null or e.kind = any($9::text[]))
    and ($10::uuid is null or i.parent_id = $10::uuid)
  order by e.tx, e.id
  limit $11`;

/** Matching events in (from, to], in position order; `to` must be a final position (from the feed). */
export async function readRange(
  q: Queryable, ns: string, f: StreamFilter, from: Position, to: Position, limit: number,
): Promise<StreamEvent[]> {
  const { rows } = await q.query<Record<string, unknown>>(READ_RANGE, [
    ns, from.tx, from.id, to.tx, to.id, f.intentId, f.types, f.statuses, f.kinds, f.parentId, limit,
  ]);
  return rows.map(toStreamEvent);
}
