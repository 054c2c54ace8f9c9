import type { EventKind } from './lifecycle.ts';
import type { IntentError, IntentEvent } from './model.ts';

export interface Attempt {
  number: number;
  /** The agent of its latest claim (a resumed attempt may move to another agent). */
  agent: string | null;
  /** Its first claim. */
  startedAt: Date;
  /** When the attempt ended (null while it runs). */
  endedAt: Date | null;
  /** The event that ended it: COMPLETED, FAILED, RETRY_SCHEDULED, LEASE_EXPIRED, LEASE_RELEASED, WAITING, APPROVAL_REQUESTED, CANCELLED or FAILURE_ESCALATED. */
  outcome: EventKind | null;
  error: IntentError | null;
}

const ENDS: readonly EventKind[] = ['COMPLETED', 'FAILED', 'RETRY_SCHEDULED', 'LEASE_EXPIRED', 'LEASE_RELEASED', 'WAITING', 'APPROVAL_REQUESTED', 'CANCELLED', 'FAILURE_ESCALATED'];

/**
 * Rebuilds the attempt history from the event log: a CLAIMED event opens attempt
 * data.attempt, or continues it when data.resumed (a claim after a wait); the next
 * ending event closes it, so a waiting attempt shows WAITING until it resumes.
 * Claims logged before attempts were numbered in their data count one each.
 */
export function foldAttempts(events: readonly IntentEvent[]): Attempt[] {
  const attempts: Attempt[] = [];
  let open: Attempt | null = null;
  for (const e of events) {
    if (e.kind === 'CLAIMED') {
      const d = e.data as { attempt?: number; resumed?: boolean } | null;
      const last = attempts.at(-1);
      if (d?.resumed && last && last.number === d.attempt) {
        open = Object.assign(last, { agent: e.actor, endedAt: null, outcome: null, error: null });
      } else {
        open = { number: d?.attempt ?? attempts.length + 1, agent: e.actor, startedAt: e.at, endedAt: null, outcome: null, error: null };
        attempts.push(open);
      }
    } else if (open && ENDS.includes(e.kind)) {
      open.endedAt = e.at;
      open.outcome = e.kind;
      open.error = ((e.data as { error?: IntentError } | null)?.error as IntentError | undefined) ?? null;
      open = null;
    }
  }
  return attempts;
}
