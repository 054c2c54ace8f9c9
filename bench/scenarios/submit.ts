// Scenario 1: intents/s submitted through the GraphQL HTTP API by 8 concurrent clients,
// against the same rows inserted by plain pg, one transaction each, same concurrency.
import { uuidv7 } from '../../src/core/ids.ts';
import { migratedPool, startAxmeOnPostgres, submit, warmUp } from '../axme.ts';
import { CONCURRENCY, SECONDS, alternate, cpuPerOp, metered, rate, scratchSchema } from '../lib.ts';
import { type Scenario, pct } from '../scenario.ts';
import { CEILING_SUBMIT } from '../sql.ts';

export const submitScenario: Scenario = {
  name: 'submit',
  title: '1. Submit',
  async run(ctx) {
    const ceilingSchema = await scratchSchema('axme_bench');
    const axmeSchema = await scratchSchema('axme_bench');
    try {
      const db = await migratedPool(ceilingSchema.name);
      const profile = ctx.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', `${ctx.cpuProfDir}/submit`] : [];
      const server = await startAxmeOnPostgres(axmeSchema.name, profile);
      try {
        await warmUp(server.url, 1);
        const cpu: { ceiling?: number; axme?: number } = {};
        const r = await alternate({
          ceiling: metered(process.pid, cpu, 'ceiling', (s) =>
            rate(CONCURRENCY, s, () => db.query(CEILING_SUBMIT, [uuidv7(), 'bench.submit', '{"n":1}']).then(() => {}))),
          axme: metered(server.proc.pid, cpu, 'axme', (s) => rate(CONCURRENCY, s, () => submit(server.url, 'bench.submit'))),
        }, SECONDS);
        ctx.figures.set('submit.postgres', r.axme.perSecond);
        return [
          { scenario: this.title, subject: 'plain pg ceiling (1 tx per intent + event)', value: r.ceiling.perSecond, unit: 'intents/s', note: cpuPerOp(cpu.ceiling, r.ceiling, 'client') },
          {
            scenario: this.title, subject: 'Axme (GraphQL/HTTP)', value: r.axme.perSecond, unit: 'intents/s',
            vs: `${pct(r.axme.perSecond, r.ceiling.perSecond)} of ceiling`, target: '≥ 70% of ceiling',
            met: r.axme.perSecond >= 0.7 * r.ceiling.perSecond,
            note: [cpuPerOp(cpu.axme, r.axme, 'server'), r.axme.errors ? `${r.axme.errors} errors` : ''].filter(Boolean).join('; '),
          },
        ];
      } finally {
        await server.stop();
        await db.close();
      }
    } finally {
      await ceilingSchema.drop();
      await axmeSchema.drop();
    }
  },
};
