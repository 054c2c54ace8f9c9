/**
 * What a schedule's create or update may say, validated into the columns the store
 * writes: the spec (cron or interval, zone, window), the policies, and the template of
 * the intent each fire submits.
 */
import { badInput } from '../core/errors.ts';
import { validateRetryPolicy } from '../core/retry-policy.ts';
import {
  CATCH_UP_POLICIES, type CatchUpPolicy, MAX_JITTER_SECONDS, OVERLAP_POLICIES, type OverlapPolicy, type ScheduleSpec, nextFireAfter, validateSpec,
} from '../core/schedule-spec.ts';
import * as v from '../core/validate.ts';
import type { IntentTemplate, Schedule, ScheduleFields } from '../store/schedules.ts';
import { MAX_ATTEMPT_TIMEOUT_SECONDS, MAX_CONCURRENCY_LIMIT, type RetryPolicyInput } from './scheduling.ts';

export interface IntentTemplateInput {
  type: string;
  input?: unknown;
  labels?: readonly string[] | null;
  priority?: number | null;
  maxAttempts?: number | null;
  retry?: RetryPolicyInput | null;
  deadlineSeconds?: number | null;
  attemptTimeoutSeconds?: number | null;
  concurrencyKey?: string | null;
  concurrencyLimit?: number | null;
}

/** A create names everything it needs; an update only what changes (null clears an optional field). */
export interface ScheduleInput {
  name?: string | null;
  cron?: string | null;
  timezone?: string | null;
  intervalSeconds?: number | null;
  intent?: IntentTemplateInput | null;
  overlap?: OverlapPolicy | null;
  catchUp?: CatchUpPolicy | null;
  jitterSeconds?: number | null;
  startAt?: Date | null;
  endAt?: Date | null;
  paused?: boolean | null;
}

const MAX_DEADLINE_SECONDS = 366 * 86_400;
/** Every fired intent carries this label, so intent lists filter by schedule without a new filter. */
export const scheduleLabel = (name: string) => `schedule:${name}`;

export const specOf = (s: Pick<Schedule, 'cron' | 'timezone' | 'intervalSeconds' | 'anchorAt' | 'startAt' | 'endAt'>): ScheduleSpec => ({
  cron: s.cron, timezone: s.timezone, intervalSeconds: s.intervalSeconds, anchorAt: s.anchorAt, startAt: s.startAt, endAt: s.endAt,
});

/** Whether an update names `k` (undefined: leave it as it is). */
export const has = <K extends keyof ScheduleInput>(a: ScheduleInput, k: K) => Object.hasOwn(a, k) && a[k] !== undefined;

/** The validated columns of a create (cur null) or of an update over `cur`. */
export function scheduleFields(a: ScheduleInput, cur: Schedule | null, now: Date, maxPayloadBytes: number): ScheduleFields {
  const pick = <K extends keyof ScheduleInput>(k: K, old: ScheduleInput[K]) => (cur && !has(a, k) ? old : a[k]);
  const name = v.name('name', pick('name', cur?.name) as string);
  // naming one of cron and interval in an update replaces the other
  const switching = cur && (has(a, 'cron') || has(a, 'intervalSeconds'));
  const cron = switching || !cur ? (a.cron ?? null) : cur.cron;
  const intervalSeconds = switching || !cur ? (a.intervalSeconds ?? null) : cur.intervalSeconds;
  const startAt = v.date('startAt', pick('startAt', cur?.startAt) ?? null);
  const endAt = v.date('endAt', pick('endAt', cur?.endAt) ?? null);
  const spec = validateSpec({
    cron, intervalSeconds, startAt, endAt,
    timezone: (pick('timezone', cur?.timezone) as string | null) ?? 'UTC',
    anchorAt: startAt ?? (cur && !switching && !has(a, 'startAt') ? cur.anchorAt : now),
  });
  if (endAt && endAt.getTime() <= now.getTime() && !cur) {
    throw badInput('endAt is in the past', { field: 'endAt', reason: 'END_IN_PAST' });
  }
  const specChanged = !cur || ['cron', 'intervalSeconds', 'timezone', 'startAt', 'endAt'].some((k) => has(a, k as keyof ScheduleInput));
  return {
    name,
    ...spec,
    template: a.intent ? intentTemplate(a.intent, maxPayloadBytes) : cur!.template,
    overlap: oneOf('overlap', pick('overlap', cur?.overlap) ?? 'SKIP', OVERLAP_POLICIES),
    catchUp: oneOf('catchUp', pick('catchUp', cur?.catchUp) ?? 'ONE', CATCH_UP_POLICIES),
    jitterSeconds: v.intInRange('jitterSeconds', pick('jitterSeconds', cur?.jitterSeconds), 0, 0, MAX_JITTER_SECONDS),
    nextFireAt: specChanged || !cur ? nextFireAfter(spec, now) : cur.nextFireAt,
  };
}

/** The template each fire submits, validated as a submit would be. */
export function intentTemplate(t: IntentTemplateInput, maxPayloadBytes: number): IntentTemplate {
  const labels = v.labels(t.labels);
  if (labels.length > 49) throw badInput('at most 49 labels: each fired intent also gets schedule:<name>', { field: 'intent.labels' });
  const concurrencyKey = v.text('intent.concurrencyKey', t.concurrencyKey, 200);
  if (t.concurrencyLimit != null && concurrencyKey === null) {
    throw badInput('concurrencyLimit needs a concurrencyKey', { field: 'intent.concurrencyLimit' });
  }
  return {
    type: v.name('intent.type', t.type),
    input: v.payload('intent.input', t.input ?? {}, maxPayloadBytes),
    labels,
    priority: v.intInRange('intent.priority', t.priority, 0, 0, 1000),
    maxAttempts: t.maxAttempts == null ? null : v.intInRange('intent.maxAttempts', t.maxAttempts, 1, 1, 100),
    retry: validateRetryPolicy('intent.retry', t.retry) as Record<string, number> | null,
    deadlineSeconds: t.deadlineSeconds == null ? null : v.intInRange('intent.deadlineSeconds', t.deadlineSeconds, 1, 1, MAX_DEADLINE_SECONDS),
    attemptTimeoutSeconds: t.attemptTimeoutSeconds == null ? null
      : v.intInRange('intent.attemptTimeoutSeconds', t.attemptTimeoutSeconds, 1, 1, MAX_ATTEMPT_TIMEOUT_SECONDS),
    concurrencyKey,
    concurrencyLimit: concurrencyKey === null ? null : v.intInRange('intent.concurrencyLimit', t.concurrencyLimit, 1, 1, MAX_CONCURRENCY_LIMIT),
  };
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw badInput(`${field} must be one of ${allowed.join(', ')}`, { field });
  return value as T;
}
