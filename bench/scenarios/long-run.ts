// Scenario `long-run`: one Axme run of BENCH_LONG_STEPS (100) steps of 200 KB each, through
// the worker runtime (run.step → recordStep). Per step: time, WAL bytes PostgreSQL wrote
// (pg_current_wal_insert_lsn before and after; server-wide, so other sessions' writes add
// noise) and the growth of the scratch database's tables (its own, so exact to the page).
// What matters is whether step 100 costs what step 1 does: a design that rewrote the whole
// run's state at each step would grow linearly. Then a step's cost against the run's input:
// BENCH_LONG_SMALL_STEPS small steps of runs with a 1 KB input and with a 900 KB one, alternating;
// a step that read or returned the run's input would cost more with the larger.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from '../../packages/client/src/index.ts';
import { Cleanup, scratchDatabase, startServer } from '../lib.ts';
import type { Row, Scenario } from '../scenario.ts';

const STEPS = Number(process.env.BENCH_LONG_STEPS ?? 100);
const STEP_BYTES = 200 * 1024;
const TITLE = 'Long run';
const SMALL_STEPS = Number(process.env.BENCH_LONG_SMALL_STEPS ?? 50);
const INPUT_SIZES = [1024, 900 * 1024];
// light and heavy alternate, twice each, so that neither takes all of the warm-up
const INPUT_ORDER = [...INPUT_SIZES, ...INPUT_SIZES];

interface StepFigures { ms: number; walBytes: number; tableBytes: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

export const longRunScenario: Scenario = {
  name: 'long-run',
  title: TITLE,
  async run() {
    const c = new Cleanup();
    try {
      const db = await scratchDatabase('axme_bench_long');
      c.add(() => db.drop());
      const server = await startServer({ DATABASE_URL: db.url, AXME_DB_SCHEMA: 'public' });
      c.add(() => server.stop());
      const probe = new pg.Client({ connectionString: db.url });
      await probe.connect();
      c.add(() => probe.end());
      const sample = async () => {
        const r = await probe.query(`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 as wal,
          (select coalesce(sum(pg_total_relation_size(oid)), 0)::float8 from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace) as tables`);
        return { wal: r.rows[0].wal as number, tables: r.rows[0].tables as number };
      };
      const axme = createClient({ url: server.url });
      const figures: StepFigures[] = [];
      const worker = axme.worker({ types: ['bench.long'], concurrency: 1, agent: 'bench-long' }, async (run) => {
        for (let i = 1; i <= STEPS; i++) {
          // base64 of random bytes: text that PostgreSQL's TOAST compression cannot shrink
          const chunk = randomBytes((STEP_BYTES * 3) / 4).toString('base64');
          const before = await sample();
          const t = performance.now();
          await run.step(`chunk:${i}`, () => ({ text: chunk }));
          const ms = performance.now() - t;
          const after = await sample();
          figures.push({ ms, walBytes: after.wal - before.wal, tableBytes: after.tables - before.tables });
        }
        return { steps: STEPS };
      });
      c.add(() => worker.stop());
      const { id } = await axme.submit({ type: 'bench.long', input: { steps: STEPS } });
      const done = await axme.result(id);
      if (done.status !== 'COMPLETED') throw new Error(`the long run ended ${done.status}`);
      // small steps against the run's input size
      const byInput = new Map<number, number[]>();
      const small = axme.worker({ types: ['bench.long.input'], concurrency: 1, agent: 'bench-long' }, async (run) => {
        const xs: number[] = [];
        for (let i = 1; i <= SMALL_STEPS; i++) {
          const t = performance.now();
          await run.step(`small:${i}`, () => ({ i }));
          xs.push(performance.now() - t);
        }
        const bytes = (run.input as { bytes: number }).bytes;
        byInput.set(bytes, [...(byInput.get(bytes) ?? []), ...xs]);
        return null;
      });
      c.add(() => small.stop());
      for (const bytes of INPUT_ORDER) {
        const input = { bytes, text: randomBytes((bytes * 3) / 4).toString('base64') };
        const r = await axme.execute({ type: 'bench.long.input', input });
        if (r.status !== 'COMPLETED') throw new Error(`the run with a ${kb(bytes)} input ended ${r.status}`);
      }
      const [lightMs, heavyMs] = INPUT_SIZES.map((b) => median(byInput.get(b)!));
      const first = figures[0]!;
      const last = figures.at(-1)!;
      const early = figures.slice(1, 11);
      const late = figures.slice(-10);
      const wal = figures.map((f) => f.walBytes);
      const grown = figures.map((f) => f.tableBytes);
      return [
        { scenario: TITLE, subject: `time per ${kb(STEP_BYTES)} step, step 1 → step ${STEPS}`, value: last.ms, unit: `ms at step ${STEPS}`, vs: `${first.ms.toFixed(1)} ms at step 1`, note: `median of steps 2–11 ${median(early.map((f) => f.ms)).toFixed(1)} ms, of the last 10 ${median(late.map((f) => f.ms)).toFixed(1)} ms` },
        { scenario: TITLE, subject: `WAL per ${kb(STEP_BYTES)} step (server-wide)`, value: median(wal) / 1024, unit: 'KB median', vs: `step 1 ${kb(first.walBytes)}, step ${STEPS} ${kb(last.walBytes)}`, note: `median of steps 2–11 ${kb(median(early.map((f) => f.walBytes)))}, of the last 10 ${kb(median(late.map((f) => f.walBytes)))}; other sessions' writes land in the same WAL` },
        { scenario: TITLE, subject: `small step of a run whose input is ${kb(INPUT_SIZES[1]!)}`, value: heavyMs!, unit: 'ms median', vs: `${lightMs!.toFixed(2)} ms with a ${kb(INPUT_SIZES[0]!)} input`, note: `${SMALL_STEPS} steps in each of two runs per size, alternating; ratio ${(heavyMs! / lightMs!).toFixed(2)}× (a step's statement answers the intent's state, not its input)` },
        { scenario: TITLE, subject: `table growth per ${kb(STEP_BYTES)} step (this database only)`, value: grown.reduce((a, b) => a + b, 0) / STEPS / 1024, unit: 'KB mean', vs: `${kb(grown.reduce((a, b) => a + b, 0))} over ${STEPS} steps`, note: `the payload itself is ${kb(STEP_BYTES * STEPS)}` },
      ] satisfies Row[];
    } finally {
      await c.run();
    }
  },
};
