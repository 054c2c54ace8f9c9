/**
 * Every statement over schedules (migration 014). Callers pass `now` from the service
 * clock and every computed time (next fire, anchor) as parameters.
 */
import type { Queryable } from '../db/types.ts';
import type { CatchUpPolicy, OverlapPolicy } from '../core/schedule-spec.ts';
import { TERMINAL } from '../core/lifecycle.ts';
import { json, maybeDate, date, toIntent } from './rows.ts';
import type { Intent } from '../core/model.ts';

/** What each fire submits; validated when the schedule is written. */
export interface IntentTemplate {
  type: string;
  input: unknown;
  labels: string[];
  priority: number;
  maxAttempts: number | null;
  retry: Record<string, number> | null;
  /** Each fired intent's deadline, this long after its fire time. */
  deadlineSeconds: number | null;
  attemptTimeoutSeconds: number | null;
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
}

export interface Schedule {
  id: string;
  namespace: string;
  name: string;
  cron: string | null;
  timezone: string;
  intervalSeconds: number | null;
  template: IntentTemplate;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  jitterSeconds: number;
  startAt: Date | null;
  endAt: Date | null;
  anchorAt: Date;
  paused: boolean;
  pausedReason: string | null;
  nextFireAt: Date | null;
  bufferedFireAt: Date | null;
  lastFireAt: Date | null;
  lastIntentId: string | null;
  fireCount: number;
  skipCount: number;
  lastSkipAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toSchedule(r: Record<string, unknown>): Schedule {
  return {
    id: r.id as string,
    namespace: r.namespace as string,
    name: r.name as string,
    cron: (r.cron as string | null) ?? null,
    timezone: r.timezone as string,
    intervalSeconds: (r.interval_seconds as number | null) ?? null,
    template: r.template as IntentTemplate,
    overlap: r.overlap as OverlapPolicy,
    catchUp: r.catch_up as CatchUpPolicy,
    jitterSeconds: r.jitter_seconds as number,
    startAt: maybeDate(r.start_at),
    endAt: maybeDate(r.end_at),
    anchorAt: date(r.anchor_at),
    paused: r.paused as boolean,
    pausedReason: (r.paused_reason as string | null) ?? null,
    nextFireAt: maybeDate(r.next_fire_at),
    bufferedFireAt: maybeDate(r.buffered_fire_at),
    lastFireAt: maybeDate(r.last_fire_at),
    lastIntentId: (r.last_intent_id as string | null) ?? null,
    fireCount: Number(r.fire_count),
    skipCount: Number(r.skip_count),
    lastSkipAt: maybeDate(r.last_skip_at),
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** The columns a create or update writes. */
export type ScheduleFields = Pick<Schedule,
  'name' | 'cron' | 'timezone' | 'intervalSeconds' | 'template' | 'overlap' | 'catchUp' | 'jitterSeconds' |
  'startAt' | 'endAt' | 'anchorAt' | 'nextFireAt'>;

const fieldParams = (f: ScheduleFields) => [
  f.name, f.cron, f.timezone, f.intervalSeconds, json(f.template), f.overlap, f.catchUp, f.jitterSeconds,
  f.startAt, f.endAt, f.anchorAt, f.nextFireAt,
];

/** Inserts the schedule; null when the namespace already has one of that name. */
export async function insertSchedule(
  q: Queryable, ns: string, id: string, f: ScheduleFields, paused: boolean, actor: string | null, now: Date,
): Promise<Schedule | null> {
  const { rows } = await q.query(`
    insert into schedules (id, namespace, name, cron, timezone, interval_seconds, template, overlap, catch_up, jitter_seconds,
                           start_at, end_at, anchor_at, next_fire_at, paused, created_by, created_at, updated_at)
    values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
    on conflict (namespace, name) do nothing
    returning *`, [id, ns, ...fieldParams(f), paused, actor, now]);
  return rows[0] ? toSchedule(rows[0]) : null;
}

/** Replaces the spec and template; leaving BUFFER_ONE drops a buffered fire. */
export async function updateSchedule(q: Queryable, ns: string, id: string, f: ScheduleFields, now: Date): Promise<Schedule | null> {
  const { rows } = await q.query(`
    update schedules set name = $3, cron = $4, timezone = $5, interval_seconds = $6, template = $7::jsonb, overlap = $8,
      catch_up = $9, jitter_seconds = $10, start_at = $11, end_at = $12, anchor_at = $13, next_fire_at = $14,
      buffered_fire_at = case when $8 = 'BUFFER_ONE' then buffered_fire_at end, updated_at = $15
    where namespace = $1 and id = $2
    returning *`, [ns, id, ...fieldParams(f), now]);
  return rows[0] ? toSchedule(rows[0]) : null;
}

export async function getSchedule(q: Queryable, ns: string, id: string, lock = false): Promise<Schedule | null> {
  const { rows } = await q.query(`select * from schedules where namespace = $1 and id = $2${lock ? ' for update' : ''}`, [ns, id]);
  return rows[0] ? toSchedule(rows[0]) : null;
}

export async function getScheduleByName(q: Queryable, ns: string, name: string): Promise<Schedule | null> {
  const { rows } = await q.query(`select * from schedules where namespace = $1 and name = $2`, [ns, name]);
  return rows[0] ? toSchedule(rows[0]) : null;
}

export async function getSchedules(q: Queryable, ns: string, ids: readonly string[]): Promise<Schedule[]> {
  const { rows } = await q.query(`select * from schedules where namespace = $1 and id = any($2::uuid[])`, [ns, ids]);
  return rows.map(toSchedule);
}

export interface ScheduleFilter {
  paused: boolean | null;
  type: string | null;
  /** A substring of the name. */
  search: string | null;
}

/** One page in name order; fetches one extra row to know whether more follow. */
export async function listSchedules(
  q: Queryable, ns: string, f: ScheduleFilter, first: number, afterName: string | null,
): Promise<{ schedules: Schedule[]; hasNextPage: boolean }> {
  const { rows } = await q.query(`
    select * from schedules
    where namespace = $1 and ($2::boolean is null or paused = $2) and ($3::text is null or template->>'type' = $3)
      and ($4::text is null or strpos(lower(name), lower($4)) > 0) and ($5::text is null or name > $5)
    order by name limit $6`, [ns, f.paused, f.type, f.search, afterName, first + 1]);
  return { schedules: rows.slice(0, first).map(toSchedule), hasNextPage: rows.length > first };
}

export async function setPaused(q: Queryable, ns: string, id: string, paused: boolean, reason: string | null, next: Date | null | undefined, now: Date): Promise<Schedule | null> {
  const { rows } = await q.query(`
    update schedules set paused = $3, paused_reason = $4, updated_at = $5,
      next_fire_at = case when $6::boolean then $7::timestamptz else next_fire_at end
    where namespace = $1 and id = $2 returning *`, [ns, id, paused, reason, now, next !== undefined, next ?? null]);
  return rows[0] ? toSchedule(rows[0]) : null;
}

export async function deleteSchedule(q: Queryable, ns: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query(`delete from schedules where namespace = $1 and id = $2`, [ns, id]);
  return (rowCount ?? 0) > 0;
}

// Due: the next fire has come (the schedules_due index), or a buffered fire whose running
// intent has ended (schedules_buffered). Two statements, so each uses its partial index.
// SKIP LOCKED: an instance never waits for a schedule another is firing; it takes the next.
const CLAIM_DUE = `
  select * from schedules
  where not paused and next_fire_at <= $1
  order by next_fire_at
  limit 1
  for update skip locked`;

const CLAIM_BUFFERED = `
  select s.* from schedules s
  where s.buffered_fire_at is not null and not s.paused and not exists (
    select 1 from intents i where i.namespace = s.namespace and i.id = s.last_intent_id and not (i.status = any($1::text[])))
  order by s.buffered_fire_at
  limit 1
  for update of s skip locked`;

/** Locks one due schedule for the caller's transaction, or null when none is due (or all due are being fired). */
export async function claimDueSchedule(tx: Queryable, now: Date): Promise<Schedule | null> {
  const due = await tx.query(CLAIM_DUE, [now]);
  if (due.rows[0]) return toSchedule(due.rows[0]);
  const buffered = await tx.query(CLAIM_BUFFERED, [[...TERMINAL]]);
  return buffered.rows[0] ? toSchedule(buffered.rows[0]) : null;
}

/** Whether the intent is unfinished (not terminal); a missing one counts as finished. */
export async function isRunning(q: Queryable, ns: string, intentId: string | null): Promise<boolean> {
  if (!intentId) return false;
  const { rows } = await q.query(`select 1 from intents where namespace = $1 and id = $2 and not (status = any($3::text[]))`, [ns, intentId, [...TERMINAL]]);
  return rows.length > 0;
}

/** What one pass over a due schedule did. */
export interface FireOutcome {
  nextFireAt: Date | null;
  bufferedFireAt: Date | null;
  lastFireAt: Date | null;
  lastIntentId: string | null;
  fired: number;
  skipped: number;
  lastSkipAt: Date | null;
}

export async function recordFires(q: Queryable, ns: string, id: string, o: FireOutcome, now: Date): Promise<void> {
  await q.query(`
    update schedules set next_fire_at = $3, buffered_fire_at = $4, last_fire_at = coalesce($5, last_fire_at),
      last_intent_id = coalesce($6, last_intent_id), fire_count = fire_count + $7, skip_count = skip_count + $8,
      last_skip_at = coalesce($9, last_skip_at), updated_at = $10
    where namespace = $1 and id = $2`,
  [ns, id, o.nextFireAt, o.bufferedFireAt, o.lastFireAt, o.lastIntentId, o.fired, o.skipped, o.lastSkipAt, now]);
}

/** The schedule's intents, newest first. */
export async function scheduleIntents(q: Queryable, ns: string, scheduleId: string, first: number): Promise<Intent[]> {
  const { rows } = await q.query(`
    select * from intents where namespace = $1 and schedule_id = $2 order by created_at desc, id desc limit $3`, [ns, scheduleId, first]);
  return rows.map(toIntent);
}
