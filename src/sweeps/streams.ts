/**
 * Output-stream retention: streams of intents finished longer ago than
 * AXME_STREAM_RETENTION are deleted in bounded batches (SKIP LOCKED, so any number
 * of instances may sweep). Streams of intents still running are never touched.
 */
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import { SWEEP_BATCH } from '../core/sweep.ts';
import { deleteExpiredStreams } from '../store/streams.ts';
import type { Sweeper } from './sweeper.ts';

export function registerStreamSweeps(sweeper: Sweeper, d: { db: Db; config: Config }): void {
  const keep = d.config.streamRetentionSeconds;
  if (keep === null) return;
  sweeper.register('stream-retention', (now) => deleteExpiredStreams(d.db, new Date(now.getTime() - keep * 1000), SWEEP_BATCH));
}
