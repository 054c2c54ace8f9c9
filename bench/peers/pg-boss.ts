// pg-boss on the same PostgreSQL, in a scratch schema of its own: 8 local workers
// fetching one job at a time or `batchSize` at once, with burst mode on (fetch again at
// once while work is waiting) so its 2-second idle poll does not decide the figure.
import { PgBoss } from 'pg-boss';
import { CONCURRENCY, DATABASE_URL, type Rate } from '../lib.ts';
import { windowRate } from './throughput.ts';

export async function pgBoss(schema: string, batchSize: number, jobs: number, seconds: number): Promise<Rate> {
  const boss = new PgBoss({
    connectionString: DATABASE_URL, schema, max: CONCURRENCY + 2, schedule: false,
    superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, queueCacheIntervalSeconds: 1,
  });
  boss.on('error', (err) => console.error(`  pg-boss: ${err.message}`));
  await boss.start();
  try {
    await boss.createQueue('bench');
    for (let left = jobs; left > 0; left -= 10_000) {
      await boss.insert('bench', Array.from({ length: Math.min(left, 10_000) }, () => ({ data: {} })));
    }
    let done = 0;
    const burst = batchSize > 1 ? { burstWhenBatchFull: true } : { burstWhenReadyExceeds: 1 };
    await boss.work('bench', { batchSize, localConcurrency: CONCURRENCY, pollingIntervalSeconds: 0.5, ...burst }, async (batch) => {
      done += batch.length;
    });
    return await windowRate(() => done, seconds, 2500);
  } finally {
    await boss.stop({ graceful: false, close: true, timeout: 5000 });
  }
}
