/**
 * The intent lifecycle: statuses, the one transition table, and the pure rules that
 * decide whether an action may happen. No I/O: the store asks this module and
 * writes what it says; resolvers never reason about status themselves.
 */
import type { ErrorCode } from './errors.ts';

export const STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type Status = (typeof STATUSES)[number];

export const TERMINAL: readonly Status[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
export const isTerminal = (s: Status): boolean => TERMINAL.includes(s);

export const WAITING_REASONS = ['APPROVAL', 'SIGNAL', 'CHILDREN', 'TIME'] as const;
export type WaitingFor = (typeof WAITING_REASONS)[number];

export const EVENT_KINDS = [
  'SUBMITTED',
  'CLAIMED',
  'CHECKPOINTED',
  'WAITING',
  'RESUMED',
  'COMPLETED',
  'FAILED',
  'RETRY_SCHEDULED',
  'LEASE_EXPIRED',
  'CANCELLED',
  'RETRIED',
  'APPROVAL_REQUESTED',
  'APPROVAL_RESOLVED',
  'APPROVAL_TIMED_OUT',
  'APPROVAL_ESCALATED',
  'SIGNAL_RECEIVED',
  'WAIT_TIMED_OUT',
  // a durable step's record (migration 012): its name, attempt, duration and size, never its output
  'STEP_COMPLETED',
  'STEP_FAILED',
  'LEASE_RELEASED',
  // a lease call found a budget crossed (issue 19): the intent failed or waits for a human to raise it
  'BUDGET_EXCEEDED',
  // attempts exhausted (or a non-retryable error) under onExhausted ESCALATE: WAITING on an axme.escalation approval
  'FAILURE_ESCALATED',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface Rule {
  /** Statuses the action may start from. */
  readonly from: readonly Status[];
  /** Where it may lead, and the event each target writes (null: no event, e.g. heartbeat). */
  readonly to: Partial<Record<Status, EventKind | null>>;
  /** Whether the caller must hold the current, unexpired lease. */
  readonly lease: boolean;
}

export const TRANSITIONS = {
  submit: { from: [], to: { PENDING: 'SUBMITTED' }, lease: false },
  claim: { from: ['PENDING'], to: { RUNNING: 'CLAIMED' }, lease: false },
  heartbeat: { from: ['RUNNING'], to: { RUNNING: null }, lease: true },
  checkpoint: { from: ['RUNNING'], to: { RUNNING: 'CHECKPOINTED' }, lease: true },
  complete: { from: ['RUNNING'], to: { COMPLETED: 'COMPLETED' }, lease: true },
  fail: { from: ['RUNNING'], to: { PENDING: 'RETRY_SCHEDULED', FAILED: 'FAILED' }, lease: true },
  cancel: { from: ['PENDING', 'RUNNING', 'WAITING'], to: { CANCELLED: 'CANCELLED' }, lease: false },
  retry: { from: ['FAILED', 'CANCELLED'], to: { PENDING: 'RETRIED' }, lease: false },
  wait: { from: ['RUNNING'], to: { WAITING: 'WAITING' }, lease: true },
  wake: { from: ['WAITING'], to: { PENDING: 'RESUMED' }, lease: false },
  expireLease: { from: ['RUNNING'], to: { PENDING: 'LEASE_EXPIRED', FAILED: 'LEASE_EXPIRED' }, lease: false },
  // past its deadline an unfinished intent fails however far it got: the lease is revoked, a wait ends
  expireDeadline: { from: ['PENDING', 'RUNNING', 'WAITING'], to: { FAILED: 'FAILED' }, lease: false },
  // Waits (src/services/waits.ts). `wait` covers SIGNAL, CHILDREN and TIME; `wake` is their wake-up (timer due,
  // last child finished, or the awaited signal already there).
  requestApproval: { from: ['RUNNING'], to: { WAITING: 'APPROVAL_REQUESTED' }, lease: true },
  resolveApproval: { from: ['WAITING'], to: { PENDING: 'APPROVAL_RESOLVED' }, lease: false },
  // onTimeout REJECT → PENDING, FAIL → FAILED, ESCALATE → still WAITING on a fresh approval
  timeOutApproval: { from: ['WAITING'], to: { PENDING: 'APPROVAL_TIMED_OUT', FAILED: 'APPROVAL_TIMED_OUT', WAITING: 'APPROVAL_ESCALATED' }, lease: false },
  // A signal is kept whatever the status; it wakes the intent (→ PENDING) only when it waits for that name.
  signal: { from: ['PENDING', 'RUNNING', 'WAITING'], to: { PENDING: 'SIGNAL_RECEIVED', RUNNING: 'SIGNAL_RECEIVED', WAITING: 'SIGNAL_RECEIVED' }, lease: false },
  timeOutWait: { from: ['WAITING'], to: { PENDING: 'WAIT_TIMED_OUT' }, lease: false },
  // live progress replaces a value on the intent and writes no event (issue 4)
  reportProgress: { from: ['RUNNING'], to: { RUNNING: null }, lease: true },
  // a step's result or error, written once in its own row (store/steps.ts); the intent stays RUNNING
  recordStep: { from: ['RUNNING'], to: { RUNNING: 'STEP_COMPLETED' }, lease: true },
  recordStepFailure: { from: ['RUNNING'], to: { RUNNING: 'STEP_FAILED' }, lease: true },
  // Worker sessions (issue 18). The holder hands back a lease it never started work on: PENDING at
  // once, the attempt not spent (store/workers.ts).
  releaseIntent: { from: ['RUNNING'], to: { PENDING: 'LEASE_RELEASED' }, lease: true },
  // The worker session holding the lease ended (stopped, replaced by a restart, heartbeats missed):
  // like an expired lease (the attempt is spent, so a poison pill still ends FAILED) but at once.
  releaseLease: { from: ['RUNNING'], to: { PENDING: 'LEASE_RELEASED', FAILED: 'LEASE_RELEASED' }, lease: false },
  // output streams (store/streams.ts): chunks appended under the live lease, no event (issue 18)
  appendStream: { from: ['RUNNING'], to: { RUNNING: null }, lease: true },
  closeStream: { from: ['RUNNING'], to: { RUNNING: null }, lease: true },
  // a fork (store/forks.ts) is a new intent, submitted with the original's step results
  // before the chosen step copied in: each copy is a STEP_COMPLETED record of the PENDING fork
  fork: { from: [], to: { PENDING: 'SUBMITTED' }, lease: false },
  copyStep: { from: ['PENDING'], to: { PENDING: 'STEP_COMPLETED' }, lease: false },
  // Budgets (core/budget.ts): the holder's lease call found a budget crossed. FAIL → FAILED, not
  // retried; WAIT → WAITING on an axme.budget approval, whose "raise" is resolveApproval (→ PENDING)
  exceedBudget: { from: ['RUNNING'], to: { FAILED: 'BUDGET_EXCEEDED', WAITING: 'BUDGET_EXCEEDED' }, lease: true },
  // the human answered "stop" to that approval
  stopOverBudget: { from: ['WAITING'], to: { FAILED: 'APPROVAL_RESOLVED' }, lease: false },
  // Failure escalation (issue 19): where fail, expireLease or releaseLease would end FAILED, an intent whose
  // retry policy says onExhausted ESCALATE waits for a human instead, in the same transaction (no lease check:
  // the failing path already made its own). The decision: retry → PENDING with more attempts; fork or fail → FAILED.
  escalateFailure: { from: ['RUNNING'], to: { WAITING: 'FAILURE_ESCALATED' }, lease: false },
  decideEscalation: { from: ['WAITING'], to: { PENDING: 'APPROVAL_RESOLVED', FAILED: 'APPROVAL_RESOLVED' }, lease: false },
} as const satisfies Readonly<Record<string, Rule>>;

/** What may happen to an intent: the table's rows. */
export type Action = keyof typeof TRANSITIONS;

export const ACTIONS = Object.keys(TRANSITIONS) as Action[];

/** What the rules need to know of an intent. */
export interface IntentState {
  status: Status;
  leaseToken: string | null;
  leaseExpiresAt: Date | null;
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/**
 * Why `action` may not happen to `intent` now, or null when it may.
 * Order matters: a terminal intent answers CONFLICT whoever asks (terminal states
 * never change); then a caller without the live lease gets LEASE_LOST; then a
 * status the action cannot start from gets INVALID_TRANSITION.
 */
export function refusal(action: Action, intent: IntentState, leaseToken: string | null, now: Date): Refusal | null {
  const rule: Rule = TRANSITIONS[action];
  const allowed = rule.from.includes(intent.status);
  if (!allowed && isTerminal(intent.status)) {
    return { code: 'CONFLICT', message: `intent is ${intent.status}; a finished intent cannot ${action}` };
  }
  if (rule.lease) {
    const held =
      leaseToken !== null &&
      intent.leaseToken === leaseToken &&
      intent.leaseExpiresAt !== null &&
      intent.leaseExpiresAt.getTime() > now.getTime();
    if (!held) return { code: 'LEASE_LOST', message: 'the lease token is not the intent’s current lease (expired or superseded)' };
  }
  if (!allowed) {
    return { code: 'INVALID_TRANSITION', message: `cannot ${action} an intent that is ${intent.status}` };
  }
  return null;
}

/** The event an allowed transition writes. Throws on a target the table does not list. */
export function eventFor(action: Action, to: Status): EventKind | null {
  const kinds: Rule['to'] = TRANSITIONS[action].to;
  if (!(to in kinds)) throw new Error(`transition table has no ${action} -> ${to}`);
  return kinds[to] ?? null;
}

/** The status `action` leads to, for an action with one target; the others' callers choose theirs. */
export function targetOf(action: Action): Status {
  const targets = Object.keys(TRANSITIONS[action].to) as Status[];
  if (targets.length !== 1) throw new Error(`${action} leads to ${targets.join(' or ')}; name the target`);
  return targets[0]!;
}

/** What a statement writes for one transition: the status it leads to and the event it writes there. */
export interface Step {
  action: Action;
  to: Status;
  kind: EventKind;
}

/**
 * The step of `action` to `to` (default: its only target), as the store passes it into
 * SQL. Throws on a target the table does not list, or one that writes no event.
 */
export function step(action: Action, to: Status = targetOf(action)): Step {
  const kind = eventFor(action, to);
  if (kind === null) throw new Error(`${action} -> ${to} writes no event`);
  return { action, to, kind };
}

/** A failed attempt goes back to PENDING while attempts remain and the error is retryable. */
export function afterFailure(attempt: number, maxAttempts: number, retryable: boolean): 'PENDING' | 'FAILED' {
  return retryable && attempt < maxAttempts ? 'PENDING' : 'FAILED';
}
