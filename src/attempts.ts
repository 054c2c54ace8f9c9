import type { EventKind } from './lifecycle.ts';
import type { IntentError, IntentEvent } from './store/rows.ts';

export interface Attempt {
  number: number;
  agent: string | null;
  startedAt: Date;
  /** When the attempt ended (null while it runs). */
  endedAt: Date | null;
  /** The event that ended it: COMPLETED, FAILED, RETRY_SCHEDULED, LEASE_EXPIRED, WAITING, APPROVAL_REQUESTED or CANCELLED. */
  outcome: EventKind | null;
  error: IntentError | null;
}

const ENDS: readonly EventKind[] = ['COMPLETED', 'FAILED', 'RETRY_SCHEDULED', 'LEASE_EXPIRED', 'WAITING', 'APPROVAL_REQUESTED', 'CANCELLED'];

/** Rebuilds the attempt history from the event log: each CLAIMED opens an attempt, the next ending event closes it. */
export function foldAttempts(events: readonly IntentEvent[]): Attempt[] {
  const attempts: Attempt[] = [];
  let open: Attempt | null = null;
  for (const e of events) {
    if (e.kind === 'CLAIMED') {
      open = { number: attempts.length + 1, agent: e.actor, startedAt: e.at, endedAt: null, outcome: null, error: null };
      attempts.push(open);
    } else if (open && ENDS.includes(e.kind)) {
      open.endedAt = e.at;
      open.outcome = e.kind;
      open.error = ((e.data as { error?: IntentError } | null)?.error as IntentError | undefined) ?? null;
      open = null;
    }
  }
  return attempts;
}
