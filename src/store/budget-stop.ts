/**
 * What happens to an intent whose lease call found a budget crossed (lifecycle
 * `exceedBudget`), in its own committed transaction: FAIL ends it FAILED with error code
 * BUDGET_EXCEEDED (not retried); WAIT puts it WAITING on an `axme.budget` approval, whose
 * "raise" sets new limits and wakes it (PENDING, resuming from its recorded steps) and
 * whose "stop" fails it.
 */
import type { Queryable } from '../db/types.ts';
import { type BudgetState, budgetDetails, crossed, raiseRequest, raisedLimits } from '../core/budget.ts';
import { uuidv7 } from '../core/ids.ts';
import { refusal, step } from '../core/lifecycle.ts';
import type { Intent, IntentError } from '../core/model.ts';
import { type Approval, insertApproval } from './approvals.ts';
import { budgetsOf, setLimits } from './budgets.ts';
import { type Change, toChange, withEvent } from './events.ts';
import { lockIntent, wakeIntent, withFamily } from './family.ts';
import { json } from './rows.ts';
import { ending, stepParams } from './transition.ts';
import { enterWait, failWaiting } from './waits.ts';

export const BUDGET_APPROVAL_TYPE = 'axme.budget';
/** Who asks for the raise: the engine, not the agent whose call found the budget crossed. */
const BUDGET_REQUESTER = 'axme';

const FAIL_RUNNING = withEvent(`
  update intents set ${ending('$5', '$3')}, error = $4::jsonb, last_seq = last_seq + 1, updated_at = $3
  where namespace = $1 and id = $2`, { actorIsLeaseHolder: true });

const crossedOf = async (tx: Queryable, ns: string, id: string, now: Date): Promise<BudgetState | undefined> =>
  (await budgetsOf(tx, ns, id, now)).find((b) => crossed(b) !== null);

const budgetError = (b: BudgetState, message: string): IntentError =>
  ({ message, code: 'BUDGET_EXCEEDED', retryable: false, details: budgetDetails(b) });

/**
 * Stops the intent per the crossed budget's policy while `token` still holds its lease;
 * no change when it does not any more (a concurrent call stopped it) or nothing is crossed.
 */
export async function stopOverBudget(tx: Queryable, ns: string, id: string, token: string, now: Date): Promise<Change[]> {
  const cur = await lockIntent(tx, ns, id, null, null, now);
  if (refusal('exceedBudget', cur, token, now)) return [];
  const b = await crossedOf(tx, ns, id, now);
  if (!b) return [];
  if (b.onExceeded === 'FAIL') {
    const error = budgetError(b, 'budget exceeded');
    const { rows } = await tx.query(FAIL_RUNNING, [ns, id, now, json(error), ...stepParams(step('exceedBudget', 'FAILED'), null, { error })]);
    return [await withFamily(tx, ns, toChange(rows[0]!), null, now)];
  }
  const req = raiseRequest(b);
  const approval = await insertApproval(tx, ns, uuidv7(now.getTime()), id, {
    type: BUDGET_APPROVAL_TYPE, ...req, assignees: [], requireComment: false, timeoutSeconds: null, onTimeout: 'FAIL', escalateTo: [],
  }, null, BUDGET_REQUESTER, now);
  return [await enterWait(tx, ns, id, { waitingFor: 'APPROVAL', name: approval.id, wakeAt: null, checkpoint: null },
    step('exceedBudget', 'WAITING'), cur.leaseAgent,
    { approvalId: approval.id, type: BUDGET_APPROVAL_TYPE, title: req.title, options: req.options, ...budgetDetails(b) }, now)];
}

/** A human's answer to an axme.budget approval; `cur` is locked and WAITING on it. */
export async function decideBudget(
  tx: Queryable, cur: Intent, a: Approval, d: { outcome: string; data: unknown; by: string }, now: Date,
): Promise<Change[]> {
  const ns = cur.namespace;
  const b = await crossedOf(tx, ns, cur.id, now);
  if (d.outcome === 'stop') {
    const error: IntentError = b ? budgetError(b, `budget exceeded; ${d.by} stopped it`)
      : { message: `${d.by} stopped it over its budget`, code: 'BUDGET_EXCEEDED', retryable: false, details: null };
    const failed = await failWaiting(tx, ns, cur.id, error, step('stopOverBudget'), d.by, { approvalId: a.id, outcome: d.outcome, error }, now);
    return [await withFamily(tx, ns, failed, d.by, now)];
  }
  // still crossed (not raised meanwhile, not a new day): the new limits must clear it
  const raised = b ? raisedLimits(b, d.data) : null;
  if (b && raised) await setLimits(tx, ns, b, raised, now);
  return [await wakeIntent(tx, ns, cur.id, step('resolveApproval'), d.by,
    { wake: 'APPROVAL', approvalId: a.id, outcome: d.outcome, ...(raised ? { maxUsd: raised.maxUsd, maxTokens: raised.maxTokens } : {}) }, now)];
}
