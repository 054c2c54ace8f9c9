// Scenario 2: claim → complete cycles/s with 8 concurrent agents doing trivial work:
// Axme through GraphQL, the same SKIP LOCKED claim and complete by plain pg (the
// ceiling), and the peers graphile-worker and pg-boss on the same PostgreSQL, one at a
// time and batched.
import { claimComplete, claimCompleteAliased, migratedPool, startAxmeOnPostgres } from '../axme.ts';
import { CONCURRENCY, SECONDS, admin, alternate, rate, type Rate, scratchSchema } from '../lib.ts';
import { graphileWorker } from '../peers/graphile-worker.ts';
import { pgBoss } from '../peers/pg-boss.ts';
import { type Row, type Scenario, pct } from '../scenario.ts';
import { CEILING_CLAIM, CEILING_COMPLETE, seedPending } from '../sql.ts';

const ALIASES = 20;
// enough queued work that no subject runs dry within its window
const QUEUED = Number(process.env.BENCH_QUEUED ?? 40_000);
const QUEUED_BATCHED = Number(process.env.BENCH_QUEUED_BATCHED ?? 150_000);

async function peer(prefix: string, fn: (schema: string) => Promise<Rate>): Promise<Rate> {
  const s = await scratchSchema(prefix, false);
  try {
    return await fn(s.name);
  } finally {
    await s.drop();
  }
}

export const claimScenario: Scenario = {
  name: 'claim',
  title: '2. Claim → complete',
  async run(ctx) {
    const ceilingSchema = await scratchSchema('axme_bench');
    const axmeSchema = await scratchSchema('axme_bench');
    let one: Record<'ceiling' | 'axme', Rate>;
    let aliased: Rate;
    try {
      const db = await migratedPool(ceilingSchema.name);
      const server = await startAxmeOnPostgres(axmeSchema.name);
      try {
        await admin((c) => seedPending(c, 'bench.cycle', QUEUED), ceilingSchema.name);
        await admin((c) => seedPending(c, 'bench.cycle', QUEUED), axmeSchema.name);
        one = await alternate({
          ceiling: (s) => rate(CONCURRENCY, s, async () => {
            const token = crypto.randomUUID();
            const { rows } = await db.query<{ id: string }>(CEILING_CLAIM, ['bench.cycle', token]);
            if (!rows[0]) return false;
            await db.query(CEILING_COMPLETE, [rows[0].id, token, '{"ok":true}']);
          }),
          axme: (s) => rate(CONCURRENCY, s, (loop) => claimComplete(server.url, 'bench.cycle', `a${loop}`)),
        }, SECONDS);
        await admin((c) => seedPending(c, 'bench.batch', QUEUED), axmeSchema.name);
        aliased = await rate(CONCURRENCY, SECONDS, (loop) => claimCompleteAliased(server.url, 'bench.batch', `a${loop}`, ALIASES));
      } finally {
        await server.stop();
        await db.close();
      }
    } finally {
      await ceilingSchema.drop();
      await axmeSchema.drop();
    }
    const gwOne = await peer('gw_bench', (s) => graphileWorker(s, false, QUEUED, SECONDS));
    const gwBatched = await peer('gw_bench', (s) => graphileWorker(s, true, QUEUED_BATCHED, SECONDS));
    const bossOne = await peer('boss_bench', (s) => pgBoss(s, 1, QUEUED, SECONDS));
    const bossBatched = await peer('boss_bench', (s) => pgBoss(s, 20, QUEUED_BATCHED, SECONDS));
    ctx.figures.set('claim.postgres', one.axme.perSecond);

    const a = one.axme.perSecond;
    const unit = 'cycles/s';
    const row = (subject: string, r: Rate, extra: Partial<Row> = {}): Row =>
      ({ scenario: this.title, subject, value: r.perSecond, unit, note: r.errors ? `${r.errors} errors` : undefined, ...extra });
    return [
      row('plain pg ceiling (SKIP LOCKED claim, complete)', one.ceiling),
      row('graphile-worker, one at a time', gwOne),
      row('pg-boss, batch size 1', bossOne),
      row('Axme (GraphQL/HTTP), one at a time', one.axme, {
        vs: `${pct(a, one.ceiling.perSecond)} of ceiling; ${(a / gwOne.perSecond).toFixed(2)}× graphile-worker, ${(a / bossOne.perSecond).toFixed(2)}× pg-boss`,
        target: '≥ 70% of ceiling and ahead of both peers',
        met: a >= 0.7 * one.ceiling.perSecond && a > gwOne.perSecond && a > bossOne.perSecond,
      }),
      row('graphile-worker, local queue 500 + batched completion', gwBatched),
      row('pg-boss, batch size 20', bossBatched),
      row(`Axme, ${ALIASES} aliased claims per request + ${ALIASES} aliased completes (no batch API yet)`, aliased, {
        vs: `${pct(aliased.perSecond, gwBatched.perSecond)} of graphile-worker batched`,
        target: '≥ 50% of graphile-worker batched (with a batch claim API)',
        met: aliased.perSecond >= 0.5 * gwBatched.perSecond,
      }),
    ];
  },
};
