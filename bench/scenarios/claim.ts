// Scenario 2: claim → complete cycles/s with 8 concurrent agents doing trivial work:
// Axme through GraphQL, the same SKIP LOCKED claim and complete by plain pg (the
// ceiling), and the peers graphile-worker and pg-boss on the same PostgreSQL, one at a
// time and batched. Subjects of a group take turns, so load drift hits them alike.
import { claimComplete, claimCompleteBatch, pipelinedAgent, migratedPool, startAxmeOnPostgres, warmUp } from '../axme.ts';
import { CONCURRENCY, Cleanup, SECONDS, admin, alternate, cpuPerOp, metered, rate, type Rate, scratchSchema } from '../lib.ts';
import { graphileWorker } from '../peers/graphile-worker.ts';
import { pgBoss } from '../peers/pg-boss.ts';
import type { Subject } from '../peers/throughput.ts';
import { type Row, type Scenario, pct } from '../scenario.ts';
import { CEILING_CLAIM, CEILING_COMPLETE, seedPending } from '../sql.ts';

// intents per claimIntents / completeIntents request of the batched subject
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
// enough queued work that no subject runs dry across its windows and warm-ups
const QUEUED = Number(process.env.BENCH_QUEUED ?? 40_000);
const QUEUED_GW_BATCHED = Number(process.env.BENCH_QUEUED_BATCHED ?? 300_000);
const QUEUED_BOSS_BATCHED = (QUEUED_GW_BATCHED * 2) / 3;

async function peer(cleanup: Cleanup, prefix: string, make: (schema: string) => Promise<Subject>): Promise<Subject> {
  const s = await scratchSchema(prefix, false);
  cleanup.add(() => s.drop());
  const subject = await make(s.name);
  cleanup.add(() => subject.close());
  return subject;
}

export const claimScenario: Scenario = {
  name: 'claim',
  title: '2. Claim → complete',
  async run(ctx) {
    const cleanup = new Cleanup();
    try {
      const ceilingSchema = await scratchSchema('axme_bench');
      cleanup.add(() => ceilingSchema.drop());
      const axmeSchema = await scratchSchema('axme_bench');
      cleanup.add(() => axmeSchema.drop());
      const db = await migratedPool(ceilingSchema.name);
      cleanup.add(() => db.close());
      const server = await startAxmeOnPostgres(axmeSchema.name, ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', `${ctx.cpuProfDir}/claim`] : []);
      cleanup.add(() => server.stop());
      await warmUp(server.url, 1);
      await admin((c) => seedPending(c, 'bench.cycle', QUEUED), ceilingSchema.name);
      await admin((c) => seedPending(c, 'bench.cycle', QUEUED), axmeSchema.name);
      await admin((c) => seedPending(c, 'bench.batch', QUEUED_GW_BATCHED), axmeSchema.name);
      const gwOne = await peer(cleanup, 'gw_bench', (s) => graphileWorker(s, false, QUEUED));
      const bossOne = await peer(cleanup, 'boss_bench', (s) => pgBoss(s, 1, QUEUED));

      const cpu: { ceiling?: number; axme?: number; pipelined?: number; batch?: number } = {};
      await admin((c) => seedPending(c, 'bench.pipelined', QUEUED), axmeSchema.name);
      const pipelined = Array.from({ length: CONCURRENCY }, (_, loop) => pipelinedAgent(server.url, 'bench.pipelined', `p${loop}`));
      const one = await alternate({
        ceiling: metered(process.pid, cpu, 'ceiling', (s) => rate(CONCURRENCY, s, async () => {
          const token = crypto.randomUUID();
          const { rows } = await db.query<{ id: string }>(CEILING_CLAIM, ['bench.cycle', token]);
          if (!rows[0]) return false;
          await db.query(CEILING_COMPLETE, [rows[0].id, token, '{"ok":true}']);
        })),
        axme: metered(server.proc.pid, cpu, 'axme', (s) => rate(CONCURRENCY, s, (loop) => claimComplete(server.url, 'bench.cycle', `a${loop}`))),
        pipelined: metered(server.proc.pid, cpu, 'pipelined', (s) => rate(CONCURRENCY, s, (loop) => pipelined[loop]!())),
        graphileWorker: (s) => gwOne.measure(s),
        pgBoss: (s) => bossOne.measure(s),
      }, SECONDS);

      const gwBatched = await peer(cleanup, 'gw_bench', (s) => graphileWorker(s, true, QUEUED_GW_BATCHED));
      const bossBatched = await peer(cleanup, 'boss_bench', (s) => pgBoss(s, 20, QUEUED_BOSS_BATCHED));
      const batched = await alternate({
        axme: metered(server.proc.pid, cpu, 'batch', (s) =>
          rate(CONCURRENCY, s, (loop) => claimCompleteBatch(server.url, 'bench.batch', `a${loop}`, BATCH))),
        graphileWorker: (s) => gwBatched.measure(s),
        pgBoss: (s) => bossBatched.measure(s),
      }, SECONDS);
      ctx.figures.set('claim.postgres', one.axme.perSecond);

      const a = one.axme.perSecond;
      const row = (subject: string, r: Rate, extra: Partial<Row> = {}, cpuNote = ''): Row => ({
        scenario: this.title, subject, value: r.perSecond, unit: 'cycles/s',
        note: [cpuNote, r.errors ? `${r.errors} errors` : ''].filter(Boolean).join('; ') || undefined, ...extra,
      });
      return [
        row('plain pg ceiling (SKIP LOCKED claim, complete)', one.ceiling, {}, cpuPerOp(cpu.ceiling, one.ceiling, 'client')),
        row('graphile-worker, one at a time', one.graphileWorker),
        row('pg-boss, batch size 1', one.pgBoss),
        row('Axme (GraphQL/HTTP), one at a time', one.axme, {
          vs: `${pct(a, one.ceiling.perSecond)} of ceiling; ${(a / one.graphileWorker.perSecond).toFixed(2)}× graphile-worker, ${(a / one.pgBoss.perSecond).toFixed(2)}× pg-boss`,
          target: '≥ 70% of ceiling and ahead of both peers',
          met: a >= 0.7 * one.ceiling.perSecond && a > one.graphileWorker.perSecond && a > one.pgBoss.perSecond,
        }, cpuPerOp(cpu.axme, one.axme, 'server')),
        row('Axme, one at a time, complete + next claim in one request', one.pipelined, {
          vs: `${pct(one.pipelined.perSecond, one.ceiling.perSecond)} of ceiling; ${(one.pipelined.perSecond / one.graphileWorker.perSecond).toFixed(2)}× graphile-worker, ${(one.pipelined.perSecond / one.pgBoss.perSecond).toFixed(2)}× pg-boss`,
        }, cpuPerOp(cpu.pipelined, one.pipelined, 'server')),
        row('graphile-worker, local queue 500 + batched completion', batched.graphileWorker),
        row('pg-boss, batch size 20', batched.pgBoss),
        row(`Axme, claimIntents + completeIntents of ${BATCH}`, batched.axme, {
          vs: `${pct(batched.axme.perSecond, batched.graphileWorker.perSecond)} of graphile-worker batched`,
          target: '≥ 50% of graphile-worker batched',
          met: batched.axme.perSecond >= 0.5 * batched.graphileWorker.perSecond,
        }, cpuPerOp(cpu.batch, batched.axme, 'server')),
      ];
    } finally {
      await cleanup.run();
    }
  },
};
