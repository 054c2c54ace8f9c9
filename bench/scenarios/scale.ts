// Scenario 5: does a big table slow the hot path? Single submits and claims through
// GraphQL, one at a time, with 10,000 vs BENCH_SCALE_ROWS (1,000,000) intents already
// stored in a realistic mix of finished and pending, each with its events.
import { claimOne, migratedPool, startAxmeOnPostgres, submit, warmUp } from '../axme.ts';
import { type Latency, SECONDS, admin, gql, percentiles, scratchSchema, timed } from '../lib.ts';
import type { Row, Scenario } from '../scenario.ts';
import { seedMixed } from '../sql.ts';

const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const ROUNDS = 4;
// what the dashboard asks above its list: intentCounts (exact up to 1,000 per status, estimated
// beyond), with and without a type filter, and for contrast the six exact totalCounts it used to ask
const COUNTS = 'query($f: IntentFilter) { intentCounts(filter: $f) { total } }';
const EXACT = `{ ${['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'].map((s) => `${s}: intents(first: 0, filter: { status: [${s}] }) { totalCount }`).join(' ')} }`;
const COUNT_QUERIES = {
  counts: [COUNTS, { f: null }],
  'counts by type': [COUNTS, { f: { type: ['bench.other1'] } }],
  'exact totalCounts': [EXACT, {}],
} as const;
type CountQuery = keyof typeof COUNT_QUERIES;
// latency percentiles need more samples than a rate does: 2 × BENCH_SECONDS per size

export const scaleScenario: Scenario = {
  name: 'scale',
  title: '5. Table scale',
  async run() {
    const small = await scratchSchema('axme_bench');
    const large = await scratchSchema('axme_bench');
    try {
      for (const [s, n] of [[small, SMALL], [large, LARGE]] as const) {
        const t = performance.now();
        await (await migratedPool(s.name)).close();
        await admin((c) => c.query('set maintenance_work_mem = \'256MB\'').then(() => seedMixed(c, n, 'bench.scale')), s.name);
        console.log(`  seeded ${n.toLocaleString('en-US')} intents in ${((performance.now() - t) / 1000).toFixed(0)}s`);
      }
      const servers = [await startAxmeOnPostgres(small.name), await startAxmeOnPostgres(large.name)] as const;
      try {
        for (const s of servers) await warmUp(s.url, 1);
        const samples = servers.map(() => ({ submit: [] as number[], claim: [] as number[] }));
        // alternate the two sizes in short rounds so machine load drifts over both alike
        for (let r = 0; r < ROUNDS; r++) {
          for (const [i, server] of servers.entries()) {
            const until = performance.now() + (2 * SECONDS * 1000) / ROUNDS;
            while (performance.now() < until) {
              samples[i]!.submit.push(await timed(() => submit(server.url, 'bench.scale')));
              const ms = await timed(async () => {
                if (!(await claimOne(server.url, 'bench.scale')).claimIntent) throw new Error('nothing left to claim');
              });
              samples[i]!.claim.push(ms);
            }
          }
        }
        const counts = servers.map(() => ({ counts: [], 'counts by type': [], 'exact totalCounts': [] }) as Record<CountQuery, number[]>);
        for (const [i, server] of servers.entries()) {
          for (const [name, [query, variables]] of Object.entries(COUNT_QUERIES) as [CountQuery, readonly [string, unknown]][]) {
            const until = performance.now() + (SECONDS * 1000) / 3;
            while (performance.now() < until || counts[i]![name].length < 5) {
              counts[i]![name].push(await timed(async () => {
                const r = await gql(server.url, query, variables);
                if (r.errors) throw new Error(JSON.stringify(r.errors));
              }));
            }
          }
        }
        const rows: Row[] = [];
        for (const op of ['submit', 'claim'] as const) {
          const [a, b] = samples.map((s) => percentiles(s[op])) as [Latency, Latency];
          const ratio = b.p50 / a.p50;
          rows.push({
            scenario: this.title, subject: `${op} latency, ${SMALL.toLocaleString('en-US')} → ${LARGE.toLocaleString('en-US')} stored`,
            value: ratio, unit: '× (p50 ratio)',
            vs: `p50 ${a.p50.toFixed(2)} → ${b.p50.toFixed(2)} ms; p99 ${a.p99.toFixed(1)} → ${b.p99.toFixed(1)} ms (${(b.p99 / a.p99).toFixed(2)}×); n=${a.count}/${b.count}`,
            target: 'ratio ≤ 1.3', met: ratio <= 1.3,
          });
        }
        const [a, b] = counts.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, percentiles(v)]))) as Record<CountQuery, Latency>[];
        rows.push({
          scenario: this.title, subject: `dashboard counts (intentCounts), ${LARGE.toLocaleString('en-US')} stored`,
          value: b!.counts.p50, unit: 'ms p50',
          vs: `${SMALL.toLocaleString('en-US')} stored: ${a!.counts.p50.toFixed(1)} ms; by type ${a!['counts by type'].p50.toFixed(1)} → ${b!['counts by type'].p50.toFixed(1)} ms; `
            + `the six exact totalCounts it replaced: ${a!['exact totalCounts'].p50.toFixed(1)} → ${b!['exact totalCounts'].p50.toFixed(1)} ms`,
          target: 'p50 ≤ 25 ms', met: b!.counts.p50 <= 25,
        });
        return rows;
      } finally {
        for (const s of servers) await s.stop();
      }
    } finally {
      await small.drop();
      await large.drop();
    }
  },
};
