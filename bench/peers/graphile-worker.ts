// graphile-worker on the same PostgreSQL, in a scratch schema of its own: 8 concurrent
// jobs in one process, one at a time (its default) or with the local queue and batched
// completion (its documented batching).
import { Logger, run, runMigrations } from 'graphile-worker';
import { CONCURRENCY, DATABASE_URL, admin } from '../lib.ts';
import { type Subject, windowRate } from './throughput.ts';

const quiet = new Logger(() => () => {});

export async function graphileWorker(schema: string, batched: boolean, queued: number): Promise<Subject> {
  const base = { connectionString: DATABASE_URL, schema, logger: quiet, noHandleSignals: true, maxPoolSize: CONCURRENCY + 2 };
  await runMigrations(base);
  await admin(async (c) => {
    await c.query(`select count(*) from ${schema}.add_jobs(array(
      select row('bench', '{}'::json, null, null, null, null, null, null)::${schema}.job_spec from generate_series(1, $1)))`, [queued]);
    await c.query(`analyze ${schema}._private_jobs`);
  });
  let done = 0;
  return {
    async measure(seconds) {
      const runner = await run({
        ...base,
        concurrency: CONCURRENCY,
        pollInterval: 1000,
        taskList: { bench: async () => void done++ },
        preset: batched ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } : {},
      });
      try {
        return await windowRate(() => done, seconds, 1000, queued);
      } finally {
        await runner.stop();
      }
    },
    async close() {},
  };
}
