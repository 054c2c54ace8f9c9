/**
 * Retry policy: which settings apply to a failed attempt and how long to wait
 * before the next. Pure: the store asks it for a delay and writes the runAt.
 */
import { badInput } from './errors.ts';
import * as v from './validate.ts';

export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  initialIntervalSeconds: number;
  /** Each further failure multiplies the delay by this. */
  backoffCoefficient: number;
  /** The delay never grows past this. */
  maxIntervalSeconds: number;
  /** 0–1: the delay is shortened by up to this fraction at random, so failed intents do not return in lockstep. */
  jitter: number;
}

/** What happens when an attempt fails and no retry is left: FAILED, or a human decides (core/escalation.ts). */
export const ON_EXHAUSTED = ['FAIL', 'ESCALATE'] as const;
export type OnExhausted = (typeof ON_EXHAUSTED)[number];

export interface ExhaustedPolicy {
  onExhausted: OnExhausted;
  /** Who may decide an escalation; empty: anyone with the approver role. */
  escalateTo: string[];
  /** The decision's timeout; past it the intent ends FAILED (the approval timeout rules). null: none. */
  escalateTimeoutSeconds: number | null;
}

/** What an intent or a type sets; unset fields fall through to the next layer. */
export type RetryPolicyPatch = Partial<RetryPolicy> & Partial<ExhaustedPolicy>;

/** As the API takes it: null and absent mean "not set". */
export type RetryPolicyFields = { [K in keyof RetryPolicy]?: number | null } & {
  onExhausted?: OnExhausted | null;
  escalateTo?: readonly string[] | null;
  escalateTimeoutSeconds?: number | null;
};

/** The longest an escalation may wait for its decision (the approval timeout limit). */
export const MAX_ESCALATE_TIMEOUT_SECONDS = 366 * 24 * 3600;

const WEEK = 7 * 86_400;

export const RETRY_LIMITS: Readonly<Record<keyof RetryPolicy, readonly [number, number]>> = {
  initialIntervalSeconds: [0, WEEK],
  backoffCoefficient: [1, 100],
  maxIntervalSeconds: [0, WEEK],
  jitter: [0, 1],
};

/** The longest `retryAfterSeconds` a failing agent may ask for. */
export const MAX_RETRY_AFTER_SECONDS = WEEK;

export function numberInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw badInput(`${field} must be a number from ${min} to ${max}`, { field, value });
  }
  return value;
}

/** Checks the fields a caller set (null and absent mean "not set"); refuses an initial interval above the max interval. */
export function validateRetryPolicy(field: string, p: RetryPolicyFields | null | undefined): RetryPolicyPatch | null {
  if (p == null) return null;
  const out: RetryPolicyPatch = {};
  for (const key of Object.keys(RETRY_LIMITS) as (keyof RetryPolicy)[]) {
    const v = p[key];
    if (v == null) continue;
    const [min, max] = RETRY_LIMITS[key];
    out[key] = numberInRange(`${field}.${key}`, v, min, max);
  }
  if (out.initialIntervalSeconds !== undefined && out.maxIntervalSeconds !== undefined && out.initialIntervalSeconds > out.maxIntervalSeconds) {
    throw badInput(`${field}.initialIntervalSeconds must not exceed ${field}.maxIntervalSeconds`, { field });
  }
  if (p.onExhausted != null) {
    if (!ON_EXHAUSTED.includes(p.onExhausted)) throw badInput(`${field}.onExhausted must be FAIL or ESCALATE`, { field: `${field}.onExhausted` });
    out.onExhausted = p.onExhausted;
  }
  if (p.escalateTo != null) {
    if (p.escalateTo.length > 100) throw badInput(`${field}.escalateTo may name at most 100 principals`, { field: `${field}.escalateTo` });
    out.escalateTo = [...new Set(p.escalateTo.map((s) => v.text(`${field}.escalateTo`, s, 200)!))];
  }
  if (p.escalateTimeoutSeconds != null) {
    out.escalateTimeoutSeconds = v.intInRange(`${field}.escalateTimeoutSeconds`, p.escalateTimeoutSeconds, 0, 1, MAX_ESCALATE_TIMEOUT_SECONDS);
  }
  return Object.keys(out).length ? out : null;
}

/** The intent's own settings win over its type's, which win over the server's. */
export function resolveRetryPolicy(server: RetryPolicy, type: RetryPolicyPatch | null, intent: RetryPolicyPatch | null): RetryPolicy {
  return { ...server, ...type, ...intent };
}

/** onExhausted, escalateTo and the timeout: each field from the intent, else its type, else the server's onExhausted. */
export function resolveExhausted(server: OnExhausted, type: RetryPolicyPatch | null, intent: RetryPolicyPatch | null): ExhaustedPolicy {
  return {
    onExhausted: intent?.onExhausted ?? type?.onExhausted ?? server,
    escalateTo: intent?.escalateTo ?? type?.escalateTo ?? [],
    escalateTimeoutSeconds: intent?.escalateTimeoutSeconds ?? type?.escalateTimeoutSeconds ?? null,
  };
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based):
 * min(max, initial × coefficient^(attempt−1)), then shortened by up to `jitter` of itself.
 * `random` returns [0, 1); tests pass a fixed one.
 */
export function backoffSeconds(p: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = p.initialIntervalSeconds * p.backoffCoefficient ** Math.max(0, attempt - 1);
  const capped = Math.min(p.maxIntervalSeconds, Number.isFinite(exp) ? exp : p.maxIntervalSeconds);
  return capped * (1 - p.jitter * random());
}
