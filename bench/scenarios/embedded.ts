// Scenario 6: submit and claim → complete on embedded PGlite (no DATABASE_URL), the
// default a user gets without a database, reported beside the same work on PostgreSQL.
import { createPgliteDb } from '../../src/db/pglite.ts';
import { migrate } from '../../src/db/migrate.ts';
import { claimComplete, submit, warmUp } from '../axme.ts';
import { CONCURRENCY, SECONDS, rate, startServer, tempDir } from '../lib.ts';
import { type Row, type Scenario, pct } from '../scenario.ts';
import { seedPending } from '../sql.ts';

const QUEUED = 20_000;

export const embeddedScenario: Scenario = {
  name: 'embedded',
  title: '6. Embedded PGlite',
  async run(ctx) {
    const dir = tempDir('axme-bench-');
    try {
      const dataDir = `${dir.path}/data`;
      // seed before the server opens the folder: PGlite has one owner at a time
      const db = await createPgliteDb(dataDir);
      try {
        await migrate(db);
        await seedPending(db, 'bench.cycle', QUEUED);
      } finally {
        await db.close();
      }
      const server = await startServer({ AXME_DATA_DIR: dataDir });
      let sub, cyc;
      try {
        await warmUp(server.url, 4);
        sub = await rate(CONCURRENCY, SECONDS, () => submit(server.url, 'bench.submit'));
        cyc = await rate(CONCURRENCY, SECONDS, (loop) => claimComplete(server.url, 'bench.cycle', `a${loop}`));
      } finally {
        await server.stop();
      }
      const beside = (key: string, v: number) => {
        const pgFigure = ctx.figures.get(key);
        return pgFigure ? `${pct(v, pgFigure)} of Axme on PostgreSQL (${Math.round(pgFigure)})` : 'run with submit/claim for the PostgreSQL figure';
      };
      const rows: Row[] = [
        { scenario: this.title, subject: 'Axme on PGlite, submit, 8 clients', value: sub.perSecond, unit: 'intents/s', vs: beside('submit.postgres', sub.perSecond) },
        { scenario: this.title, subject: 'Axme on PGlite, claim → complete, 8 agents', value: cyc.perSecond, unit: 'cycles/s', vs: beside('claim.postgres', cyc.perSecond) },
      ];
      return rows;
    } finally {
      dir.remove();
    }
  },
};
