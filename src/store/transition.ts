/**
 * How a statement moves an intent. The target status and the event kind come in as
 * parameters from the transition table (core/lifecycle.ts, step()); what a transition
 * that ends an attempt or a wait clears is written here, once.
 */
import { type Step, TERMINAL } from '../core/lifecycle.ts';
import { eventParams } from './events.ts';

const terminal = `array[${TERMINAL.map((s) => `'${s}'`).join(', ')}]::text[]`;

/**
 * The SET clause of a transition that ends the attempt or the wait the intent is in
 * (complete, fail, cancel, a lease or deadline expiry, an approval that fails it): the
 * status `to`, no lease, no wait, and finished_at = `now` when `to` is terminal, null
 * when it is not (a failed attempt with attempts left runs again). `to` and `now` are
 * SQL: a parameter filled from step(), or a per-row column.
 */
export const ending = (to: string, now: string): string =>
  `status = ${to}, lease_token = null, lease_expires_at = null, waiting_for = null, wait_name = null, wake_at = null,
    finished_at = case when ${to} = any(${terminal}) then ${now}::timestamptz end`;

/** A step's parameters for a withEvent statement whose last own parameter is the target status. */
export const stepParams = (s: Step, actor: string | null, data?: unknown): unknown[] =>
  [s.to, ...eventParams({ kind: s.kind, actor, data })];
