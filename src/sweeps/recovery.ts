/**
 * The sweeper's recovery tasks: expired leases and attempt timeouts, deadlines,
 * and retention. Each does one bounded batch per call with SKIP LOCKED, so any
 * number of instances can sweep at once; the sweeper calls again on a full batch.
 */
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../core/log.ts';
import type { PubSub } from '../pubsub/types.ts';
import { deleteFinished, expireDeadlines, expireLeases, wakeParentsOf } from '../store/recovery.ts';
import { SWEEP_BATCH } from '../core/sweep.ts';
import type { Sweeper } from './sweeper.ts';
import { announceChanges } from '../services/announce.ts';
import { backoffRunAt } from '../services/scheduling.ts';

export interface RecoveryDeps {
  db: Db;
  pubsub: PubSub;
  config: Config;
  log: Logger;
}

export function registerRecoveryTasks(sweeper: Sweeper, d: RecoveryDeps): void {
  sweeper.register('leases', async (now) => {
    const changes = await expireLeases(d.db, now, SWEEP_BATCH, (cur, typeRetry) => backoffRunAt(d.config, now, cur, typeRetry));
    announceChanges(d.pubsub, changes);
    if (changes.length) d.log.info({ count: changes.length }, 'expired leases returned intents');
    return changes.length;
  });
  sweeper.register('deadlines', async (now) => {
    const changes = await expireDeadlines(d.db, now, SWEEP_BATCH);
    announceChanges(d.pubsub, changes);
    announceChanges(d.pubsub, await wakeParentsOf(d.db, changes, now));
    if (changes.length) d.log.info({ count: changes.length }, 'intents failed past their deadline');
    return changes.length;
  });
  const retention = d.config.retentionSeconds;
  if (retention !== null) {
    sweeper.register('retention', (now) => deleteFinished(d.db, new Date(now.getTime() - retention * 1000), SWEEP_BATCH));
  }
}
