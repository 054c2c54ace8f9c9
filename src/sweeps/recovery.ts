/**
 * The sweeper's recovery tasks: expired leases and attempt timeouts, deadlines,
 * and retention. Each does one bounded batch per call with SKIP LOCKED, so any
 * number of instances can sweep at once; the sweeper calls again on a full batch.
 */
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../core/log.ts';
import type { Change } from '../store/events.ts';
import { wakeParentIfDone } from '../store/family.ts';
import { deleteFinished, expireDeadlines, expireLeases } from '../store/recovery.ts';
import { SWEEPER_ACTOR, SWEEP_BATCH } from '../core/sweep.ts';
import type { Sweeper } from './sweeper.ts';
import { type Commit, changed } from '../services/commit.ts';
import { backoffRunAt } from '../services/scheduling.ts';
import { escalationFor } from '../services/escalations.ts';

export interface RecoveryDeps {
  db: Db;
  commit: Commit;
  config: Config;
  log: Logger;
}

export function registerRecoveryTasks(sweeper: Sweeper, d: RecoveryDeps): void {
  sweeper.register('leases', async (now) => {
    const { changes } = await d.commit(async (tx) => ({
      changes: await expireLeases(tx, now, SWEEP_BATCH, (cur, typeRetry) => backoffRunAt(d.config, now, cur, typeRetry), escalationFor(d.config)),
    }));
    if (changes.length) d.log.info({ count: changes.length }, 'expired leases returned intents');
    return changes.length;
  });
  sweeper.register('deadlines', async (now) => {
    const { changes } = await d.commit(async (tx) => ({ changes: await expireDeadlines(tx, now, SWEEP_BATCH) }));
    await wakeParentsOf(d.commit, changes, now);
    if (changes.length) d.log.info({ count: changes.length }, 'intents failed past their deadline');
    return changes.length;
  });
  const retention = d.config.retentionSeconds;
  if (retention !== null) {
    sweeper.register('retention', (now) => deleteFinished(d.db, new Date(now.getTime() - retention * 1000), SWEEP_BATCH));
  }
}

/**
 * Wakes the waiting parents of intents that just finished outside afterTerminal (a
 * batch of deadline failures), one transaction each holding only the parent's lock.
 * The waiting-parents sweep remains the safety net if this is interrupted.
 */
async function wakeParentsOf(commit: Commit, finished: readonly Change[], now: Date): Promise<void> {
  const parents = new Map(finished.filter((c) => c.intent.parentId).map((c) => [c.intent.parentId!, c.intent.namespace]));
  for (const [parentId, ns] of parents) {
    await commit(async (tx) => changed(await wakeParentIfDone(tx, ns, parentId, SWEEPER_ACTOR, now)));
  }
}
