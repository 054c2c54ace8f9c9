import type { InputFieldBuilder } from '@pothos/core';
import { ON_EXHAUSTED, type RetryPolicyPatch } from '../../core/retry-policy.ts';
import { type Types, builder } from '../builder.ts';

export const OnExhausted = builder.enumType('OnExhausted', {
  description: 'What an attempt that leaves no retry (attempts used up, or a non-retryable error) does: FAIL ends the intent FAILED; ESCALATE has it wait for a human on an `axme.escalation` approval (options retry, fork, fail).',
  values: ON_EXHAUSTED,
});

export const RetryPolicyInput = builder.inputType('RetryPolicyInput', {
  description: 'Delays between attempts; fields left out come from the type’s policy (setIntentTypePolicy), then the server’s AXME_RETRY_* settings.',
  fields: (t) => ({
    initialIntervalSeconds: t.float({ description: 'Delay after the first failed attempt, 0–604800. Server default 1.' }),
    backoffCoefficient: t.float({ description: 'Each further failure multiplies the delay by this, 1–100. Server default 2.' }),
    maxIntervalSeconds: t.float({ description: 'The delay never exceeds this, 0–604800. Server default 300.' }),
    jitter: t.float({ description: '0–1: each delay is shortened by up to this fraction at random. Server default 0.2.' }),
    onExhausted: t.field({ type: OnExhausted, description: 'FAIL or ESCALATE when no retry is left. Server default AXME_ON_EXHAUSTED (FAIL).' }),
    escalateTo: t.stringList({ description: 'Who may decide an escalation (principals); default anyone with the approver role.' }),
    escalateTimeoutSeconds: t.int({ description: 'How long an escalation waits for its decision (1–31622400); then the intent ends FAILED. Default: no timeout.' }),
  }),
});

export const RetryPolicy = builder.objectRef<RetryPolicyPatch>('RetryPolicy').implement({
  description: 'Retry settings as set on an intent or type; null fields fall through to the next layer.',
  fields: (t) => ({
    initialIntervalSeconds: t.float({ nullable: true, resolve: (p) => p.initialIntervalSeconds ?? null }),
    backoffCoefficient: t.float({ nullable: true, resolve: (p) => p.backoffCoefficient ?? null }),
    maxIntervalSeconds: t.float({ nullable: true, resolve: (p) => p.maxIntervalSeconds ?? null }),
    jitter: t.float({ nullable: true, resolve: (p) => p.jitter ?? null }),
    onExhausted: t.field({ type: OnExhausted, nullable: true, resolve: (p) => p.onExhausted ?? null }),
    escalateTo: t.stringList({ nullable: true, resolve: (p) => p.escalateTo ?? null }),
    escalateTimeoutSeconds: t.int({ nullable: true, resolve: (p) => p.escalateTimeoutSeconds ?? null }),
  }),
});

/** The recovery fields of SubmitIntentInput (kept here so intent.ts only spreads them in). */
export const schedulingInputFields = (t: InputFieldBuilder<Types, 'InputObject'>) => ({
  retry: t.field({ type: RetryPolicyInput, description: 'How long to wait between attempts.' }),
  deadline: t.field({ type: 'DateTime', description: 'Absolute time by which the intent must finish; past it an unfinished intent becomes FAILED (error code DEADLINE_EXCEEDED). Must be in the future and after runAt.' }),
  attemptTimeoutSeconds: t.int({ description: 'Longest one attempt may run, heartbeats or not (1–604800); then it is treated as an expired lease.' }),
  concurrencyKey: t.string({ description: 'Intents sharing a key run at most concurrencyLimit at a time, e.g. `customer:42` or `provider:openai`.' }),
  concurrencyLimit: t.int({ description: 'How many intents of concurrencyKey may be RUNNING at once, 1–10000. Default 1; needs concurrencyKey.' }),
});
