// `npm run bench [-- scenario ...]`: runs the chosen scenarios (all by default) in order,
// prints one table and writes bench/results/<date>.json. Bounded by BENCH_TIMEOUT_SECONDS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { CONCURRENCY, DATABASE_URL, SECONDS, emergencyCleanup } from './lib.ts';
import type { Context, Row, Scenario } from './scenario.ts';
import { claimScenario } from './scenarios/claim.ts';
import { durableRunScenario } from './scenarios/durable-run.ts';
import { embeddedScenario } from './scenarios/embedded.ts';
import { longRunScenario } from './scenarios/long-run.ts';
import { eventLatencyScenario, fanOutScenario } from './scenarios/realtime.ts';
import { scaleScenario } from './scenarios/scale.ts';
import { submitScenario } from './scenarios/submit.ts';
import { streamsScenario } from './scenarios/streams.ts';

const ALL: Scenario[] = [
  submitScenario, claimScenario, eventLatencyScenario, fanOutScenario, scaleScenario, embeddedScenario, streamsScenario,
  durableRunScenario, longRunScenario,
];

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !ALL.some((s) => s.name === a));
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; choose from ${ALL.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = asked.length ? ALL.filter((s) => asked.includes(s.name)) : ALL;

// A run that hangs must not hold the machine: exit (children are killed on exit).
const timeoutSeconds = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900);
const abandon = (why: string, code: number) => {
  console.error(`bench: ${why}; cleaning up`);
  void emergencyCleanup().finally(() => process.exit(code));
};
setTimeout(() => abandon(`gave up after ${timeoutSeconds}s`, 1), timeoutSeconds * 1000).unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abandon(sig, 130));

const ctx: Context = { figures: new Map(), cpuProfDir: process.env.BENCH_CPU_PROF || null };
const rows: Row[] = [];
const started = new Date();
const load = [loadavg()[0]!];
console.log(`bench: ${chosen.map((s) => s.name).join(', ')} · ${CONCURRENCY} clients · ${SECONDS}s per measurement · ${DATABASE_URL} · ${cpus().length} CPUs, load ${load[0]!.toFixed(2)}`);
let failed = false;
for (const s of chosen) {
  const t = performance.now();
  console.log(`\n${s.title} …`);
  try {
    const got = await s.run(ctx);
    rows.push(...got);
    for (const r of got) console.log(`  ${r.subject}: ${fmt(r.value)} ${r.unit}${r.vs ? ` (${r.vs})` : ''}${r.note && r.value !== null ? ` [${r.note}]` : ''}`);
  } catch (err) {
    failed = true;
    console.error(`  failed: ${(err as Error).stack ?? err}`);
    rows.push({ scenario: s.title, subject: 'failed', value: null, unit: '', note: (err as Error).message });
  }
  console.log(`  (${((performance.now() - t) / 1000).toFixed(0)}s)`);
  load.push(loadavg()[0]!);
}

console.log(`\n| scenario | subject | result | vs | target | met | note |\n|---|---|---|---|---|---|---|`);
for (const r of rows) {
  const met = r.met === true ? 'yes' : r.met === false ? 'no' : r.target ? '—' : '';
  const result = r.value === null ? (r.note ?? '—') : `${fmt(r.value)} ${r.unit}`;
  console.log(`| ${r.scenario} | ${r.subject} | ${result} | ${r.vs ?? ''} | ${r.target ?? ''} | ${met} | ${r.value === null ? '' : (r.note ?? '')} |`);
}
mkdirSync('bench/results', { recursive: true });
// a run of some scenarios must not overwrite the day's full run
const suffix = chosen.length === ALL.length ? '' : `-${chosen.map((s) => s.name).join('-')}`;
const file = `bench/results/${started.toISOString().slice(0, 10)}${suffix}.json`;
const meta = { at: started.toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, cpus: cpus().length, loadAverage1m: load, node: process.version };
writeFileSync(file, `${JSON.stringify({ ...meta, scenarios: chosen.map((s) => s.name), rows }, null, 2)}\n`);
console.log(`\nwrote ${file} · load average went ${load.map((l) => l.toFixed(2)).join(' → ')}`);
process.exit(failed ? 1 : 0);

function fmt(v: number | null): string {
  if (v === null) return '—';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}
