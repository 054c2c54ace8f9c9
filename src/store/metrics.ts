/**
 * The counts /metrics reads from the database at scrape time. Only unfinished
 * intents are counted: they are few and stay few, while finished intents grow
 * with history (their rates come from the event counters instead). Both
 * statements are bounded by SERIES_LIMIT rows.
 */
import type { Queryable } from '../db/types.ts';

/** At most this many (status, type) series; the largest win, so one runaway type cannot flood Prometheus. */
export const SERIES_LIMIT = 500;

const UNFINISHED_BY_STATUS_AND_TYPE = `
  select status, type, count(*)::int as n from intents
  where status in ('PENDING', 'RUNNING', 'WAITING')
  group by status, type
  order by n desc
  limit $1`;

const APPROVALS_WAITING = `select count(*)::int as n from approvals where status = 'PENDING'`;

export interface StatusTypeCount {
  status: string;
  type: string;
  count: number;
}

export async function countUnfinishedIntents(q: Queryable): Promise<StatusTypeCount[]> {
  const { rows } = await q.query<{ status: string; type: string; n: number }>(UNFINISHED_BY_STATUS_AND_TYPE, [SERIES_LIMIT]);
  return rows.map((r) => ({ status: r.status, type: r.type, count: Number(r.n) }));
}

export async function countApprovalsWaiting(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>(APPROVALS_WAITING);
  return Number(rows[0]?.n ?? 0);
}
