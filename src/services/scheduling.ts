/**
 * Submit-time scheduling fields (retry policy, deadline, attempt timeout,
 * concurrency key) and the runAt of a retry: what IntentService adds to submit and fail.
 */
import type { Config } from '../core/config.ts';
import type { Queryable } from '../db/types.ts';
import { badInput } from '../core/errors.ts';
import type { NewIntent } from '../store/intents.ts';
import { getTypePolicy } from '../store/recovery.ts';
import type { Intent } from '../core/model.ts';
import * as v from '../core/validate.ts';
import { MAX_RETRY_AFTER_SECONDS, type RetryPolicy, type RetryPolicyFields, type RetryPolicyPatch, backoffSeconds, numberInRange, resolveRetryPolicy, validateRetryPolicy } from '../core/retry-policy.ts';

export type RetryPolicyInput = RetryPolicyFields;

export interface SchedulingInput {
  retry?: RetryPolicyInput | null;
  deadline?: Date | null;
  attemptTimeoutSeconds?: number | null;
  concurrencyKey?: string | null;
  concurrencyLimit?: number | null;
}

export const MAX_ATTEMPT_TIMEOUT_SECONDS = 7 * 86_400;
export const MAX_CONCURRENCY_LIMIT = 10_000;

type SchedulingFields = Pick<NewIntent, 'retryPolicy' | 'deadline' | 'attemptTimeoutSeconds' | 'concurrencyKey' | 'concurrencyLimit' | 'maxAttemptsFromType'>;

/** Validates the scheduling part of a submit; `runAt` is the validated start time. */
export function schedulingFields(a: SchedulingInput & { maxAttempts?: number | null }, runAt: Date, now: Date): SchedulingFields {
  const deadline = v.date('deadline', a.deadline);
  if (deadline && deadline.getTime() <= now.getTime()) {
    throw badInput('deadline is in the past', { field: 'deadline', value: deadline.toISOString() });
  }
  if (deadline && deadline.getTime() <= runAt.getTime()) {
    throw badInput('deadline must be after runAt', { field: 'deadline' });
  }
  const concurrencyKey = v.text('concurrencyKey', a.concurrencyKey, 200);
  if (a.concurrencyLimit != null && concurrencyKey === null) {
    throw badInput('concurrencyLimit needs a concurrencyKey', { field: 'concurrencyLimit' });
  }
  return {
    retryPolicy: validateRetryPolicy('retry', a.retry),
    deadline,
    attemptTimeoutSeconds: a.attemptTimeoutSeconds == null ? null
      : v.intInRange('attemptTimeoutSeconds', a.attemptTimeoutSeconds, 0, 1, MAX_ATTEMPT_TIMEOUT_SECONDS),
    concurrencyKey,
    concurrencyLimit: concurrencyKey === null ? null : v.intInRange('concurrencyLimit', a.concurrencyLimit, 1, 1, MAX_CONCURRENCY_LIMIT),
    maxAttemptsFromType: a.maxAttempts == null,
  };
}

export const serverRetryPolicy = (c: Config): RetryPolicy => ({
  initialIntervalSeconds: c.retryInitialIntervalSeconds,
  backoffCoefficient: c.retryBackoffCoefficient,
  maxIntervalSeconds: c.retryMaxIntervalSeconds,
  jitter: c.retryJitter,
});

export function validRetryAfter(value: number | null | undefined): number | null {
  return value == null ? null : numberInRange('retryAfterSeconds', value, 0, MAX_RETRY_AFTER_SECONDS);
}

/** When a failed attempt runs again under the intent's, else its type's, else the server's retry policy. */
export function backoffRunAt(
  config: Config, now: Date, cur: Intent, typeRetry: RetryPolicyPatch | null, random: () => number = Math.random,
): Date {
  const policy = resolveRetryPolicy(serverRetryPolicy(config), typeRetry, cur.retryPolicy);
  return new Date(now.getTime() + Math.round(backoffSeconds(policy, cur.attempt, random) * 1000));
}

/**
 * When a failed attempt runs again: after `retryAfterSeconds` when the agent asked
 * (a provider's Retry-After), else after the backoff of the intent's, its type's or
 * the server's policy. Runs inside failIntent's transaction.
 */
export function retryRunAt(config: Config, now: Date, retryAfterSeconds: number | null, random: () => number = Math.random) {
  return async (tx: Queryable, cur: Intent): Promise<Date> => {
    if (retryAfterSeconds !== null) return new Date(now.getTime() + Math.round(retryAfterSeconds * 1000));
    const typePolicy = await getTypePolicy(tx, cur.namespace, cur.type);
    return backoffRunAt(config, now, cur, typePolicy?.retry ?? null, random);
  };
}
