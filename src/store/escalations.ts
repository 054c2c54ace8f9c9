/**
 * Failure escalation (issue 19): an attempt that would end the intent FAILED leaves it
 * WAITING on an axme.escalation approval instead, in the failing path's transaction and
 * under its row lock; the human's decision (services/escalations.ts) retries it here.
 */
import type { Queryable } from '../db/types.ts';
import { type Status, step } from '../core/lifecycle.ts';
import type { Intent, IntentError } from '../core/model.ts';
import { type ApprovalRequest, insertApproval } from './approvals.ts';
import { type Change, toChange, withEvent } from './events.ts';
import { json } from './rows.ts';
import { stepParams } from './transition.ts';
import { uuidv7 } from '../core/ids.ts';

/**
 * What a failing path asks before it writes FAILED: the approval to wait on instead, or
 * null to fail. Runs in the failing transaction with the intent locked.
 */
export type Escalate = (tx: Queryable, cur: Intent, error: IntentError) => Promise<ApprovalRequest | null>;

// The attempt ends like a failure (no lease, the error kept) but the intent waits: no finished_at.
const ESCALATE = withEvent(`
  update intents set status = $6, lease_token = null, lease_expires_at = null, waiting_for = 'APPROVAL', wait_name = $3,
    wake_at = null, error = $4::jsonb, last_seq = last_seq + 1, updated_at = $5
  where namespace = $1 and id = $2`, { actorIsLeaseHolder: true });

/**
 * RUNNING → WAITING by `escalateFailure`: inserts the approval and waits on it, keeping
 * the error. `from` is what the failing path would have written (its event data's shape).
 */
export async function escalateFailure(
  tx: Queryable, cur: Intent, error: IntentError, req: ApprovalRequest, from: Record<string, unknown>, actor: string | null, now: Date,
): Promise<Change> {
  const ns = cur.namespace;
  const approval = await insertApproval(tx, ns, uuidv7(now.getTime()), cur.id, req, null, actor ?? cur.leaseAgent, now);
  const data = {
    ...from, attempt: cur.attempt, maxAttempts: cur.maxAttempts, error,
    approvalId: approval.id, type: req.type, title: req.title, assignees: req.assignees, options: req.options, expiresAt: approval.expiresAt,
  };
  const { rows } = await tx.query(ESCALATE, [ns, cur.id, approval.id, json(error), now, ...stepParams(step('escalateFailure'), actor, data)]);
  return toChange(rows[0]!);
}

// A new round of attempts from now: the next claim counts attempt + 1 (resume_next false), the checkpoint stays.
const RETRY = withEvent(`
  update intents set status = $5, waiting_for = null, wait_name = null, wake_at = null, resume_next = false, run_at = $3,
    max_attempts = attempt + $4, last_seq = last_seq + 1, updated_at = $3
  where namespace = $1 and id = $2`);

/** WAITING → PENDING by `decideEscalation` with `attempts` more attempts. */
export async function retryEscalated(tx: Queryable, ns: string, id: string, attempts: number, actor: string | null, data: unknown, now: Date): Promise<Change> {
  const { rows } = await tx.query(RETRY, [ns, id, now, attempts, ...stepParams(step('decideEscalation', 'PENDING'), actor, data)]);
  return toChange(rows[0]!);
}

/** The decision's step to `to` (PENDING or FAILED). */
export const decided = (to: Extract<Status, 'PENDING' | 'FAILED'>) => step('decideEscalation', to);

/**
 * How many attempts a `retry` decision gives by default: the size of the intent's first
 * round (its maxAttempts when it first escalated), so every round is as long as the first.
 */
export async function roundAttempts(q: Queryable, cur: Intent, type: string): Promise<number> {
  const { rows } = await q.query(
    `select form_schema #>> '{properties,attempts,default}' as n from approvals
     where namespace = $1 and intent_id = $2 and type = $3 order by created_at, id limit 1`,
    [cur.namespace, cur.id, type]);
  const n = Number(rows[0]?.n);
  return Number.isInteger(n) && n >= 1 ? n : Math.max(1, Math.min(100, cur.maxAttempts));
}
