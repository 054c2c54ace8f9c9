/** The stop a lease call's BUDGET_EXCEEDED answer triggers (issue 19 part 2); apart so the Service base can use it. */
import type { Clock } from '../core/clock.ts';
import { AxmeError } from '../core/errors.ts';
import { stopOverBudget } from '../store/budget-stop.ts';
import type { Commit } from './commit.ts';

/**
 * Runs a lease call; when it answers BUDGET_EXCEEDED, first stops the intent per the
 * budget's policy in a transaction of its own, so the stop stands though the call fails.
 */
export async function budgetGuarded<T>(
  d: { commit: Commit; clock: Clock }, ns: string, id: string, token: string, call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof AxmeError && e.code === 'BUDGET_EXCEEDED') {
      // a stop that fails (a deadlock, say) leaves the lease to the holder's next call, which stops it
      await d.commit(async (tx) => ({ changes: await stopOverBudget(tx, ns, id, token, d.clock.now()) })).catch(() => {});
    }
    throw e;
  }
}

