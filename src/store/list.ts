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
 * Intents per status, exact up to `cap` and estimated beyond it, so the dashboard's
 * counts cost about the same on a table of a thousand intents or of millions.
 *
 * Each status reads at most `cap` + 1 entries of intents_status (namespace, status,
 * created_at desc, id desc), newest first: the order is what makes the planner walk the
 * index and stop, where a bitmap scan would first collect the whole status. With a type
 * or label filter it tests the rows it read. Fewer than that many means the count is exact. Otherwise the count is the
 * planner's estimate for that status and filter (EXPLAIN: no rows are read), never
 * below what the scan saw. A parent filter goes through intents_parent instead and
 * stops after `cap` + 1 children of each status.
 */
const SCAN_PLAIN = `
  select s.status, (select count(*) from (select 1 from intents where namespace = $1 and status = s.status order by created_at desc, id desc limit $2) r)::int as seen,
         null::int as matched
  from unnest($3::text[]) with ordinality as s(status, ord) order by s.ord`;

const SCAN_FILTERED = `
  select s.status, c.seen, c.matched
  from unnest($3::text[]) with ordinality as s(status, ord)
  cross join lateral (
    select count(*)::int as seen,
           count(*) filter (where ($4::text[] is null or r.type = any($4::text[])) and ($5::text[] is null or r.labels @> $5::text[]))::int as matched
    from (select type, labels from intents where namespace = $1 and status = s.status order by created_at desc, id desc limit $2) r
  ) c
  order by s.ord`;

const SCAN_CHILDREN = `
  select s.status, (
    select count(*) from (select 1 from intents where status = s.status and ${WHERE} limit $6) r
  )::int as seen, null::int as matched
  from unnest($7::text[]) with ordinality as s(status, ord) order by s.ord`;

const ESTIMATE = `explain (format json) select 1 from intents where status = $6 and ${WHERE}`;

export interface StatusCount {
  status: Status;
  count: number;
  /** False: more than `cap` were seen, and `count` is the planner's estimate. */
  exact: boolean;
}

export async function countIntentsByStatus(q: Queryable, ns: string, f: IntentFilter, cap: number): Promise<StatusCount[]> {
  const statuses = f.statuses?.length ? STATUSES.filter((s) => f.statuses!.includes(s)) : [...STATUSES];
  const types = f.types?.length ? f.types : null;
  const labels = f.labels?.length ? f.labels : null;
  const { rows } = f.parentId
    ? await q.query<{ status: Status; seen: number; matched: null }>(SCAN_CHILDREN, [...filterParams(ns, { ...f, statuses: null }), cap + 1, statuses])
    : types || labels
      ? await q.query<{ status: Status; seen: number; matched: number }>(SCAN_FILTERED, [ns, cap + 1, statuses, types, labels])
      : await q.query<{ status: Status; seen: number; matched: null }>(SCAN_PLAIN, [ns, cap + 1, statuses]);
  return Promise.all(rows.map(async (r) => {
    const seen = r.matched ?? r.seen;
    if (r.seen <= cap) return { status: r.status, count: seen, exact: true };
    return { status: r.status, count: Math.max(seen, await estimate(q, ns, { ...f, statuses: null }, r.status)), exact: false };
  }));
}

/** The planner's row estimate for one status under the filter: statistics only, no rows read. */
async function estimate(q: Queryable, ns: string, f: IntentFilter, status: Status): Promise<number> {
  const { rows } = await q.query<{ 'QUERY PLAN': unknown }>(ESTIMATE, [...filterParams(ns, f), status]);
  const raw = rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[];
  return Math.round(plan[0]?.Plan?.['Plan Rows'] ?? 0);
}
