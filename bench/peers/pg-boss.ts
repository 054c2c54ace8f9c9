// pg-boss on the same PostgreSQL, in a scratch schema of its own: 8 local workers
// fetching one job at a time or `batchSize` at once, with burst mode on (fetch again at
// once while work is waiting) so its 2-second idle poll does not decide the figure.
import { PgBoss } from 'pg-boss';
import { CONCURRENCY, DATABASE_URL, admin } from '../lib.ts';
import { type Subject, windowRate } from './throughput.ts';

export async function pgBoss(schema: string, batchSize: number, queued: number): Promise<Subject> {
  // at batch size 1 burst mode reads the ready count from pg-boss's stats cache, refreshed every second here
  const statsEverySecond = { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, queueCacheIntervalSeconds: 1 };
  const boss = new PgBoss({
    connectionString: DATABASE_URL, schema, max: CONCURRENCY + 2, schedule: false, ...(batchSize === 1 ? statsEverySecond : {}),
  });
  boss.on('error', (err) => console.error(`  pg-boss: ${err.message}`));
  await boss.start();
  try {
    await boss.createQueue('bench');
    for (let left = queued; left > 0; left -= 10_000) {
      await boss.insert('bench', Array.from({ length: Math.min(left, 10_000) }, () => ({ data: {} })));
    }
    // as after any bulk load: fresh statistics, or the planner guesses from an empty table
    await admin(async (c) => {
      const { rows } = await c.query<{ t: string }>(`select quote_ident(schemaname) || '.' || quote_ident(relname) as t from pg_stat_user_tables where schemaname = $1`, [schema]);
      for (const r of rows) await c.query(`analyze ${r.t}`);
    });
  } catch (err) {
    await boss.stop({ graceful: false, close: true });
    throw err;
  }
  let done = 0;
  const burst = batchSize > 1 ? { burstWhenBatchFull: true } : { burstWhenReadyExceeds: 1 };
  return {
    async measure(seconds) {
      await boss.work('bench', { batchSize, localConcurrency: CONCURRENCY, pollingIntervalSeconds: 0.5, ...burst }, async (jobs) => {
        done += jobs.length;
      });
      try {
        return await windowRate(() => done, seconds, batchSize === 1 ? 2500 : 1000, queued);
      } finally {
        await boss.offWork('bench', { wait: true });
      }
    },
    close: () => boss.stop({ graceful: false, close: true, timeout: 5000 }),
  };
}
