/**
 * Parents and children. Lock order is always top-down (parent before child, siblings
 * by id), so a child finishing while its parent is cancelled cannot deadlock. A child's
 * terminal transition runs in the same transaction as its parent's wake-up, under the
 * parent's row lock, so the last two children finishing at once wake the parent once.
 */
import type { Queryable } from '../db/types.ts';
import { AxmeError, notFound } from '../core/errors.ts';
import { type Action, type Step, TERMINAL, TRANSITIONS, isTerminal, refusal, step } from '../core/lifecycle.ts';
import { budgetExceeded, crossed } from '../core/budget.ts';
import { overBudget } from './budget-check.ts';
import { budgetsOf } from './budgets.ts';
import { cancelPendingApprovals } from './approvals.ts';
import { type Change, toChange, withEvent } from './events.ts';
import type { Intent } from '../core/model.ts';
import { toIntent } from './rows.ts';
import { ending, stepParams } from './transition.ts';

const LOCK_PARENT = `
  select p.id from intents p
  where p.namespace = $1 and p.id = (select c.parent_id from intents c where c.namespace = $1 and c.id = $2)
  for update of p`;

/** Locks the parent of `id` (if any); call before locking `id` itself. */
export async function lockParent(tx: Queryable, ns: string, id: string): Promise<void> {
  await tx.query(LOCK_PARENT, [ns, id]);
}

/** A locked intent with what it waits for (wait_name, wake_at are not in the shared row type). */
export interface LockedIntent extends Intent {
  waitName: string | null;
  wakeAt: Date | null;
}

const LOCK = `select * from intents where namespace = $1 and id = $2 for update`;
const LOCK_LEASED = `select *, ${overBudget('intents', '$3')} as over_budget from intents where namespace = $1 and id = $2 for update of intents`;

/**
 * Locks the intent (after its parent, see the top of this file) and, given an action, checks it
 * against the lifecycle table.
 */
export async function lockIntent(
  tx: Queryable, ns: string, id: string, action: Action | null, token: string | null, now: Date,
): Promise<LockedIntent> {
  await lockParent(tx, ns, id);
  // a lease call also checks the budgets (store/budget-check.ts), in the same read
  const leased = action !== null && TRANSITIONS[action].lease;
  const { rows } = await tx.query(leased ? LOCK_LEASED : LOCK, leased ? [ns, id, now] : [ns, id]);
  const row = rows[0];
  if (!row) throw notFound('intent', id);
  const current = { ...toIntent(row), waitName: (row.wait_name as string | null) ?? null, wakeAt: row.wake_at == null ? null : new Date(row.wake_at as string) };
  const r = action ? refusal(action, current, token, now) : null;
  if (r) throw new AxmeError(r.code, r.message, { id, status: current.status });
  const over = row.over_budget ? (await budgetsOf(tx, ns, id, now)).find((b) => crossed(b) !== null) : undefined;
  if (over) throw budgetExceeded(id, over);
  return current;
}

const UNFINISHED_CHILDREN = `
  select * from intents where namespace = $1 and parent_id = $2 and status <> all($3::text[])
  order by id for update`;

const CHILD_COUNTS = `
  select status, count(*)::int as n from intents where namespace = $1 and parent_id = $2 group by status`;

export async function childCounts(q: Queryable, ns: string, parentId: string): Promise<Record<string, number>> {
  const { rows } = await q.query<{ status: string; n: number }>(CHILD_COUNTS, [ns, parentId]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export const unfinished = (counts: Record<string, number>): number =>
  Object.entries(counts).reduce((sum, [s, n]) => (TERMINAL.includes(s as never) ? sum : sum + n), 0);

const CANCEL = withEvent(`
  update intents set ${ending('$4', '$3')}, last_seq = last_seq + 1, updated_at = $3
  where namespace = $1 and id = $2`);

/**
 * The one way an intent is cancelled (cancelIntent, bulk cancel, a cancelled parent):
 * the locked intent becomes CANCELLED and what hangs off it follows (afterTerminal).
 * The event data says where it was and whose lease it revoked.
 */
export async function cancelLocked(
  tx: Queryable, ns: string, cur: Intent, data: Record<string, unknown>, actor: string | null, now: Date,
): Promise<Change> {
  const { rows } = await tx.query(CANCEL, [
    ns, cur.id, now, ...stepParams(step('cancel'), actor, { ...data, from: cur.status, agent: cur.leaseAgent }),
  ]);
  return withFamily(tx, ns, toChange(rows[0]!), actor, now);
}

// WAITING → PENDING: the wait ends and the next claim resumes the attempt it paused.
const WAKE = withEvent(`
  update intents set status = $4, waiting_for = null, wait_name = null, wake_at = null, resume_next = true,
    last_seq = last_seq + 1, updated_at = $3
  where namespace = $1 and id = $2`);

/** Ends the wait of a locked WAITING intent by `wake` (a step to PENDING); every wake event says in data.wake why. */
export async function wakeIntent(tx: Queryable, ns: string, id: string, wake: Step, actor: string | null, data: unknown, now: Date): Promise<Change> {
  const { rows } = await tx.query(WAKE, [ns, id, now, ...stepParams(wake, actor, data)]);
  return toChange(rows[0]!);
}

/** Wakes the locked parent when it waits for children and none is unfinished. */
export async function wakeParentIfDone(tx: Queryable, ns: string, parentId: string, actor: string | null, now: Date): Promise<Change | null> {
  const { rows } = await tx.query(`select * from intents where namespace = $1 and id = $2 for update`, [ns, parentId]);
  const parent = rows[0] ? toIntent(rows[0]) : null;
  if (!parent || parent.status !== 'WAITING' || parent.waitingFor !== 'CHILDREN') return null;
  const counts = await childCounts(tx, ns, parentId);
  if (unfinished(counts) > 0) return null;
  return wakeIntent(tx, ns, parentId, step('wake'), actor, { wake: 'CHILDREN', children: counts }, now);
}

/**
 * What follows an intent's own change in the same transaction once it is terminal:
 * its pending approvals are cancelled, a cancelled intent's unfinished children are
 * cancelled (depth first), and a waiting parent whose last child this was wakes.
 * The caller holds the parent's lock (lockParent) and the intent's.
 */
export async function afterTerminal(tx: Queryable, ns: string, intent: Intent, actor: string | null, now: Date): Promise<Change[]> {
  if (!isTerminal(intent.status)) return [];
  const also: Change[] = [];
  await cancelPendingApprovals(tx, [intent.id], now);
  if (intent.status === 'CANCELLED') {
    const { rows } = await tx.query(UNFINISHED_CHILDREN, [ns, intent.id, TERMINAL]);
    for (const child of rows.map(toIntent)) {
      also.push(await cancelLocked(tx, ns, child, { reason: 'parent cancelled', parentId: intent.id }, actor, now));
    }
  }
  if (intent.parentId) {
    const woke = await wakeParentIfDone(tx, ns, intent.parentId, actor, now);
    if (woke) also.push(woke);
  }
  return also;
}

/** The change plus everything it set off, for the service to announce. */
export async function withFamily(tx: Queryable, ns: string, change: Change, actor: string | null, now: Date): Promise<Change> {
  const also = await afterTerminal(tx, ns, change.intent, actor, now);
  return also.length ? { ...change, also } : change;
}
