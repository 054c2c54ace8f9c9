/**
 * When a schedule fires: a cron expression read in an IANA time zone (croner), or a
 * fixed interval from an anchor, bounded by start and end dates. Pure: the service
 * passes `now` from the server clock.
 *
 * DST follows croner (Vixie cron): a fixed-time job (`30 2 * * *`) whose time does not
 * exist on a spring-forward day fires at the first valid time after the gap, and a time
 * that occurs twice on a fall-back day fires once, at the first occurrence. Jobs with
 * wildcards or steps in the time fields (`*\/15 * * * *`) fire on real elapsed times.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { badInput } from './errors.ts';

export const OVERLAP_POLICIES = ['SKIP', 'BUFFER_ONE', 'ALLOW'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const CATCH_UP_POLICIES = ['SKIP', 'ONE', 'ALL'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** A fire later than this after its time counts as missed (downtime), for catch-up SKIP. */
export const MISSED_AFTER_MS = 60_000;
/** Catch-up ALL fires at most this many of the newest missed times; older ones are skipped. */
export const MAX_CATCH_UP_FIRES = 100;
export const MAX_JITTER_SECONDS = 86_400;
export const MAX_INTERVAL_SECONDS = 366 * 86_400;
export const MAX_PREVIEW = 100;

export interface ScheduleSpec {
  cron: string | null;
  timezone: string;
  intervalSeconds: number | null;
  /** Interval fires fall on anchorAt + k × interval. */
  anchorAt: Date;
  startAt: Date | null;
  /** Exclusive: no fire at or after it. */
  endAt: Date | null;
}

const invalid = (field: string, reason: string, message: string, value?: unknown) =>
  badInput(message, { field, reason, ...(value === undefined ? {} : { value }) });

/** An IANA zone name Intl knows, e.g. Europe/Berlin; anything else is BAD_USER_INPUT (UNKNOWN_TIME_ZONE). */
export function validTimeZone(tz: string | null | undefined): string {
  const zone = tz ?? 'UTC';
  try {
    // throws RangeError for a zone the runtime's ICU data does not have
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw invalid('timezone', 'UNKNOWN_TIME_ZONE', `unknown time zone ${JSON.stringify(zone.slice(0, 100))}; use an IANA name such as Europe/Berlin`, zone.slice(0, 100));
  }
}

function cronOf(expr: string, timezone: string): Cron {
  // never started: croner is used only to compute times, so no timers run
  return new Cron(expr, { timezone, paused: true, mode: '5-or-6-parts' });
}

/** A 5-field (minute precision) or 6-field (with seconds) cron expression; croner's message says what is wrong. */
export function validCron(expr: string, timezone: string): string {
  const e = expr.trim();
  if (e.length === 0 || e.length > 200) throw invalid('cron', 'INVALID_CRON', 'cron must be 1–200 characters');
  try {
    const c = cronOf(e, timezone);
    c.stop();
  } catch (err) {
    throw invalid('cron', 'INVALID_CRON', `invalid cron expression ${JSON.stringify(e)}: ${(err as Error).message}`, e);
  }
  return e;
}

/** Checks the spec as a whole: exactly one of cron and interval, an end after the start. */
export function validateSpec(s: ScheduleSpec): ScheduleSpec {
  if ((s.cron === null) === (s.intervalSeconds === null)) {
    throw invalid('cron', 'SPEC_REQUIRED', 'give exactly one of cron and intervalSeconds');
  }
  if (s.intervalSeconds !== null && (!Number.isInteger(s.intervalSeconds) || s.intervalSeconds < 1 || s.intervalSeconds > MAX_INTERVAL_SECONDS)) {
    throw invalid('intervalSeconds', 'INVALID_INTERVAL', `intervalSeconds must be an integer from 1 to ${MAX_INTERVAL_SECONDS}`, s.intervalSeconds);
  }
  if (s.startAt && s.endAt && s.endAt.getTime() <= s.startAt.getTime()) {
    throw invalid('endAt', 'END_BEFORE_START', 'endAt must be after startAt');
  }
  const cron = s.cron === null ? null : validCron(s.cron, validTimeZone(s.timezone));
  return { ...s, cron, timezone: validTimeZone(s.timezone) };
}

const within = (s: ScheduleSpec, t: Date | null): Date | null => (t && s.endAt && t.getTime() >= s.endAt.getTime() ? null : t);

/** The first fire strictly after `t`, or null when there is none before endAt. */
export function nextFireAfter(s: ScheduleSpec, t: Date): Date | null {
  // a start date makes the first fire the first one at or after it
  const from = s.startAt && s.startAt.getTime() > t.getTime() ? new Date(s.startAt.getTime() - 1) : t;
  if (s.intervalSeconds !== null) {
    const iv = s.intervalSeconds * 1000;
    const anchor = s.anchorAt.getTime();
    const k = from.getTime() < anchor ? 0 : Math.floor((from.getTime() - anchor) / iv) + 1;
    return within(s, new Date(anchor + k * iv));
  }
  return within(s, cronOf(s.cron!, s.timezone).nextRun(from));
}

/** The next `n` fires strictly after `t` (a preview). */
export function nextFires(s: ScheduleSpec, t: Date, n: number): Date[] {
  const out: Date[] = [];
  let at: Date | null = t;
  while (out.length < n && (at = nextFireAfter(s, at))) out.push(at);
  return out;
}

/**
 * The newest `limit` fire times in [from, now], oldest first: what a sweep that finds
 * the schedule due at `now` may fire. A long downtime costs about `limit` steps, not
 * one per missed fire.
 */
export function dueFires(s: ScheduleSpec, from: Date, now: Date, limit: number): Date[] {
  const lo = Math.max(from.getTime(), s.startAt?.getTime() ?? -Infinity);
  const hi = Math.min(now.getTime(), (s.endAt?.getTime() ?? Infinity) - 1);
  if (hi < lo) return [];
  if (s.intervalSeconds !== null) {
    const iv = s.intervalSeconds * 1000;
    const anchor = s.anchorAt.getTime();
    if (hi < anchor) return [];
    const out: Date[] = [];
    for (let t = anchor + Math.floor((hi - anchor) / iv) * iv; t >= lo && out.length < limit; t -= iv) out.push(new Date(t));
    return out.reverse();
  }
  const cron = cronOf(s.cron!, s.timezone);
  // forward from `from` while there are few; past `limit`, back from `now` (previousRuns is
  // exclusive of its reference, so one millisecond past `hi`), which then stays within range
  const ahead: Date[] = [];
  for (let t = cron.nextRun(new Date(lo - 1)); t && t.getTime() <= hi && ahead.length <= limit; t = cron.nextRun(t)) ahead.push(t);
  if (ahead.length <= limit) return ahead;
  return cron.previousRuns(limit, new Date(hi + 1)).filter((d) => d.getTime() >= lo).reverse();
}

/**
 * A delay in [0, jitterSeconds) seconds, the same on every instance for one fire: a
 * hash of the schedule id and the fire time, so instances agree on the intent they submit.
 */
export function jitterMs(scheduleId: string, fireAt: Date, jitterSeconds: number): number {
  if (jitterSeconds <= 0) return 0;
  const h = createHash('sha256').update(`${scheduleId}|${fireAt.toISOString()}`).digest();
  return Math.floor((h.readUInt32BE(0) / 2 ** 32) * jitterSeconds * 1000);
}

/** The idempotency key of one fire: the same schedule and fire time always name the same intent. */
export const fireKey = (scheduleId: string, fireAt: Date): string => `schedule:${scheduleId}:${fireAt.toISOString()}`;
