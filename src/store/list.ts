import type { Queryable } from '../db/types.ts';
import { badInput } from '../core/errors.ts';
import { STATUSES, type Status } from '../core/lifecycle.ts';
import type { Intent } from '../core/model.ts';
import { toIntent } from './rows.ts';
import { dateInRange } from '../core/validate.ts';

export interface IntentFilter {
  statuses?: Status[] | null;
  types?: string[] | null;
  parentId?: string | null;
  labels?: string[] | null;
}

/** Position in the newest-first listing: the last row's (createdAt, id). */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

export function encodeListCursor(i: Pick<Intent, 'createdAt' | 'id'>): string {
  return Buffer.from(`${i.createdAt.toISOString()}|${i.id}`).toString('base64url');
}

// exactly what encodeListCursor writes: toISOString of a four-digit year, then a uuid
const LIST_CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A cursor from encodeListCursor; anything else (a forged date PostgreSQL cannot hold, say) is BAD_USER_INPUT. */
export function decodeListCursor(s: string, field = 'after'): ListCursor {
  const m = LIST_CURSOR.exec(Buffer.from(s, 'base64url').toString('utf8'));
  const createdAt = new Date(m?.[1] ?? '');
  if (!m || Number.isNaN(createdAt.getTime()) || !dateInRange(createdAt) || createdAt.toISOString() !== m[1]) {
    throw badInput(`${field} is not a cursor from this list`, { field, value: s.slice(0, 200) });
  }
  return { createdAt, id: m[2]!.toLowerCase() };
}

const WHERE = `
  namespace = $1
  and ($2::text[] is null or status = any($2::text[]))
  and ($3::text[] is null or type = any($3::text[]))
  and ($4::uuid is null or parent_id = $4::uuid)
  and ($5::text[] is null or labels @> $5::text[])`;

const LIST = `
  select * from intents
  where ${WHERE} and ($6::timestamptz is null or (created_at, id) < ($6::timestamptz, $7::uuid))
  order by created_at desc, id desc
  limit $8`;

const COUNT = `select count(*)::int as n from intents where ${WHERE}`;

const filterParams = (ns: string, f: IntentFilter) => [
  ns,
  f.statuses?.length ? f.statuses : null,
  f.types?.length ? f.types : null,
  f.parentId ?? null,
  f.labels?.length ? f.labels : null,
];

/** One page, newest first; fetches one extra row to know whether more follow. */
export async function listIntents(
  q: Queryable, ns: string, f: IntentFilter, first: number, after: ListCursor | null,
): Promise<{ intents: Intent[]; hasNextPage: boolean }> {
  const { rows } = await q.query(LIST, [...filterParams(ns, f), after?.createdAt ?? null, after?.id ?? null, first + 1]);
  return { intents: rows.slice(0, first).map(toIntent), hasNextPage: rows.length > first };
}

export async function countIntents(q: Queryable, ns: string, f: IntentFilter): Promise<number> {
  const { rows } = await q.query<{ n: number }>(COUNT, filterParams(ns, f));
  return rows[0]?.n ?? 0;
}

/**
 * How many intents of each status match, counting at most `cap` of each: every count
 * reads a range of intents_status (namespace, status, ...) and stops after `cap` rows, so
 * the query costs the same on a table of a thousand intents or of millions. A count
 * equal to `cap` means "at least cap". Statuses come back in lifecycle order.
 */
const COUNT_BY_STATUS = `
  select s.status, (
    select count(*) from (select 1 from intents where status = s.status and ${WHERE} limit $6) capped
  )::int as n
  from unnest($7::text[]) with ordinality as s(status, ord)
  order by s.ord`;

export async function countIntentsByStatus(
  q: Queryable, ns: string, f: IntentFilter, cap: number,
): Promise<{ status: Status; count: number }[]> {
  const statuses = f.statuses?.length ? STATUSES.filter((s) => f.statuses!.includes(s)) : [...STATUSES];
  const { rows } = await q.query<{ status: Status; n: number }>(COUNT_BY_STATUS, [...filterParams(ns, { ...f, statuses: null }), cap, statuses]);
  return rows.map((r) => ({ status: r.status, count: r.n }));
}
