// Scenario `durable-run`: one durable run end to end (a client starts a run with a small
// JSON input, a worker runs 3 steps whose results are recorded durably, the client sees the
// result), side by side: Restate, DBOS in-process, DBOS client → queue → worker, Axme.
// Per subject: BENCH_DURABLE_RUNS runs one after another (p50/p95/p99), then 32 concurrent
// starters for BENCH_SECONDS (default here 20) → runs/s, and CPU per run of every process.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SECONDS, Cleanup, freePort, scratchDatabase, sleep, startServer, tempDir } from '../lib.ts';
import { backendPids, cpuDelta, cpuSnapshot, dbCounters, diff, settle, startProc, type DbCounters, type Proc } from '../durable/procs.ts';
import { ensurePeers } from '../durable/peers.ts';
import { loopbackReport, registerDeployment, startRestate } from '../durable/restate.ts';
import type { Context, Row, Scenario } from '../scenario.ts';

const RUNS = Number(process.env.BENCH_DURABLE_RUNS ?? 300);
const STARTERS = 32;
const CONC_SECONDS = process.env.BENCH_SECONDS ? SECONDS : 20;
const WARMUP_RUNS = Number(process.env.BENCH_DURABLE_WARMUP ?? 30);
const TITLE = 'Durable run';

/** What a subject's processes are: their pids by role, the database (if any), and the client. */
interface Subject {
  driver: Proc;
  pids: Record<string, number[]>;
  database?: string;
  worker?: Proc;
  /** Statements the server sent so far, by text (Axme only). */
  statements?: () => Promise<Record<string, number>>;
}

interface Measured {
  latency: { p50: number; p95: number; p99: number };
  perSecond: number;
  errors: number;
  cpuPerRun: Record<string, number>;
  db?: DbCounters;
  sent?: { requests: number; sockets: number; overSocket: number; byOperation: Record<string, number> };
  workerSent?: { requests: number; sockets: number; overSocket: number; byOperation: Record<string, number> };
  statements?: Record<string, number>;
  /** Medians of the phases of one run (Axme: client and worker timestamps joined by intent id). */
  phases?: Record<string, number>;
  concurrentPhases?: Record<string, number>;
  /** At 32 concurrent: statements the server sent and requests the worker made, per run (group commit shows here). */
  concurrent?: { statements?: number; workerRequests?: number; workerByOperation?: Record<string, number> };
}

const PHASES: [string, string, string][] = [
  ['submit → handler starts (submit, long-poll wake + claim)', 'sending', 'handlerStart'],
  ['step 1', 'handlerStart', 'step1'],
  ['step 2', 'step1', 'step2'],
  ['step 3', 'step2', 'handlerEnd'],
  ['handler returns → client sees the result (complete, then the waiting submit answers)', 'handlerEnd', 'resultSeen'],
];

function phases(client: Record<string, Record<string, number>>, worker: Record<string, Record<string, number>>): Record<string, number> {
  const joined = Object.entries(client).flatMap(([id, t]) => (worker[id] ? [{ ...t, ...worker[id] }] : []));
  return Object.fromEntries(PHASES.map(([name, from, to]) => {
    const xs = joined.map((t) => t[to]! - t[from]!).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return [name, xs[Math.floor(xs.length / 2)] ?? NaN];
  }));
}

const q = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;

async function measure(s: Subject): Promise<Measured> {
  await s.driver.ask(`seq ${WARMUP_RUNS}`);
  const groups = async () => (s.database ? { ...s.pids, postgres: await backendPids(s.database) } : s.pids);
  await sleep(1200); // backends report their counters once idle ~1 s
  const db0 = s.database ? await dbCounters(s.database) : undefined;
  const st0 = await s.statements?.();
  const sent0 = await s.driver.ask('stats');
  const w0 = s.worker ? await s.worker.ask('stats') : undefined;
  const { latencies } = await s.driver.ask<{ latencies: number[] }>(`seq ${RUNS}`);
  const sent1 = await s.driver.ask('stats');
  const w1 = s.worker ? await s.worker.ask('stats') : undefined;
  const st1 = await s.statements?.();
  await sleep(1200);
  const db1 = s.database ? await dbCounters(s.database) : undefined;
  const c0 = cpuSnapshot(await groups());
  const conc = await s.driver.ask<{ count: number; errors: number; seconds: number }>(`conc ${STARTERS} ${CONC_SECONDS}`);
  const cpu = cpuDelta(c0, cpuSnapshot(await groups()));
  const concClient = s.worker ? await s.driver.ask('stats') : undefined;
  const concWorker = s.worker ? await s.worker.ask('stats') : undefined;
  const st2 = await s.statements?.();
  const perConc = (n: number) => n / Math.max(1, conc.count);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const sorted = latencies.sort((a, b) => a - b);
  const perRun = (a: any, b: any) => a && b && { requests: (b.requests - a.requests) / RUNS, sockets: (b.sockets - a.sockets) / RUNS, overSocket: ((b.overSocket ?? 0) - (a.overSocket ?? 0)) / RUNS, byOperation: Object.fromEntries(Object.entries(b.byOperation as Record<string, number>).map(([k, v]) => [k, (v - (a.byOperation[k] ?? 0)) / RUNS])) };
  return {
    latency: { p50: q(sorted, 0.5), p95: q(sorted, 0.95), p99: q(sorted, 0.99) },
    perSecond: conc.count / conc.seconds,
    errors: conc.errors,
    cpuPerRun: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / Math.max(1, conc.count)])),
    ...(db0 && db1 ? { db: diff(db0, db1, RUNS) } : {}),
    sent: perRun(sent0, sent1),
    ...(w0 ? { workerSent: perRun(w0, w1) } : {}),
    ...(w1 && sent1.timeline ? { phases: phases(sent1.timeline, w1.timeline) } : {}),
    ...(concWorker ? { concurrentPhases: phases(concClient.timeline, concWorker.timeline) } : {}),
    concurrent: {
      ...(st1 && st2 ? { statements: perConc(sum(st2) - sum(st1)) } : {}),
      ...(w1 && concWorker ? {
        // HTTP requests and operations over its socket alike
        workerRequests: perConc(concWorker.requests + (concWorker.overSocket ?? 0) - w1.requests - (w1.overSocket ?? 0)),
        workerByOperation: Object.fromEntries(Object.entries(concWorker.byOperation as Record<string, number>).map(([k, v]) => [k, perConc(v - (w1.byOperation[k] ?? 0))])),
      } : {}),
    },
    ...(st0 && st1 ? { statements: Object.fromEntries(Object.entries(st1).map(([k, v]) => [k, (v - (st0[k] ?? 0)) / RUNS])) } : {}),
  };
}

const concurrentCounts = (m: Measured) => [
  m.concurrent?.statements !== undefined ? `; ${m.concurrent.statements.toFixed(1)} statements/run` : '',
  m.concurrent?.workerRequests !== undefined ? `; worker ${m.concurrent.workerRequests.toFixed(1)} operations/run` : '',
  m.concurrent?.workerByOperation ? ` (${Object.entries(m.concurrent.workerByOperation).filter(([, v]) => v >= 0.005).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})` : '',
].join('');

const fmtPhases = (p: Record<string, number>) => Object.entries(p).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · ');

function rows(name: string, m: Measured, extra = ''): Row[] {
  const cpuTotal = Object.values(m.cpuPerRun).reduce((a, b) => a + b, 0);
  const cpu = `CPU ${cpuTotal.toFixed(1)} ms/run (${Object.entries(m.cpuPerRun).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})`;
  const db = m.db ? `; per run: ${m.db.commits.toFixed(1)} commits, ${(m.db.inserted + m.db.updated + m.db.deleted).toFixed(1)} rows written, WAL ${(m.db.walBytes / 1024).toFixed(1)} KB (server-wide)` : '';
  const trips = m.sent && (m.sent.requests || m.sent.sockets || m.sent.overSocket) ? `; client sent ${m.sent.requests.toFixed(1)} requests + ${(m.sent.overSocket ?? 0).toFixed(1)} operations over a socket + ${m.sent.sockets.toFixed(1)} sockets opened/run` + (m.workerSent ? `, worker ${m.workerSent.requests.toFixed(1)} requests + ${m.workerSent.overSocket.toFixed(1)} operations over its socket/run (${Object.entries(m.workerSent.byOperation).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})` : '') : '';
  return [
    { scenario: TITLE, subject: `${name}, ${RUNS} one after another`, value: m.latency.p50, unit: 'ms p50', vs: `p95 ${m.latency.p95.toFixed(1)} ms, p99 ${m.latency.p99.toFixed(1)} ms`, note: `${db}${trips}${extra}`.replace(/^; /, '') },
    { scenario: TITLE, subject: `${name}, ${STARTERS} concurrent starters`, value: m.perSecond, unit: 'runs/s', vs: m.errors ? `${m.errors} errors` : '', note: cpu + concurrentCounts(m) + (m.concurrentPhases ? `; median phases (ms): ${fmtPhases(m.concurrentPhases)}` : '') },
  ];
}

async function restateSubject(c: Cleanup): Promise<Row[]> {
  const server = await startRestate();
  c.add(() => server.stop());
  const port = await freePort();
  const endpoint = await startProc('bench/durable/restate-endpoint.ts', [], { BENCH_PORT: String(port), RESTATE_LOGGING: 'WARN' });
  c.add(() => endpoint.stop());
  await registerDeployment(server.admin, `http://127.0.0.1:${port}`);
  const driver = await startProc('bench/durable/driver.ts', ['restate'], { BENCH_TARGET: server.ingress });
  c.add(() => driver.stop());
  const m = await measure({ driver, pids: { server: [server.pid], endpoint: [endpoint.proc.pid!], client: [driver.proc.pid!] } });
  const lo = loopbackReport(server);
  const loop = `; loopback check: resolver in its namespace "${lo.resolver}", ${lo.remote.length ? `NON-LOOPBACK peers ${lo.remote.join(' ')}` : 'every socket on loopback'}${lo.logLines.length ? `, log: ${lo.logLines.join(' | ').slice(0, 300)}` : ''}`;
  return rows('Restate 1.7', m, loop);
}

async function dbosSubject(c: Cleanup, mode: 'inproc' | 'queue'): Promise<Row[]> {
  const db = await scratchDatabase('dbos_bench');
  c.add(() => db.drop());
  let worker: Proc | undefined;
  if (mode === 'queue') {
    worker = await startProc('bench/durable/dbos-worker.ts', [], { BENCH_TARGET: db.url });
    c.add(() => worker!.stop());
  }
  const driver = await startProc(`bench/durable/driver.ts`, [`dbos-${mode}`], { BENCH_TARGET: db.url });
  c.add(() => driver.stop());
  const pids: Record<string, number[]> = mode === 'queue' ? { worker: [worker!.proc.pid!], client: [driver.proc.pid!] } : { app: [driver.proc.pid!] };
  const m = await measure({ driver, pids, database: db.name });
  return rows(mode === 'queue' ? 'DBOS 5.3, client → queue → worker (50 ms polls)' : 'DBOS 5.3, in-process', m);
}

async function axmeSubject(c: Cleanup, ctx: Context, worker: 'ts' | 'python' = 'ts'): Promise<Row[]> {
  const db = await scratchDatabase('axme_bench_run');
  c.add(() => db.drop());
  const prof = ctx.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.cpuProfDir}/durable-run`] : [];
  const dir = tempDir('axme-bench-statements-');
  c.add(() => dir.remove());
  const statementsFile = join(dir.path, 'statements.json');
  const server = await startServer(
    { DATABASE_URL: db.url, AXME_DB_SCHEMA: 'public', AXME_DB_POOL_SIZE: '8', BENCH_STATEMENTS_FILE: statementsFile },
    [...prof, '--import', './bench/durable/count-statements.ts'],
  );
  const statements = async () => {
    server.proc.kill('SIGUSR2');
    for (let i = 0; i < 50 && !existsSync(statementsFile); i++) await sleep(20);
    await sleep(50);
    const s = JSON.parse(readFileSync(statementsFile, 'utf8')) as Record<string, number>;
    rmSync(statementsFile);
    return s;
  };
  c.add(() => server.stop());
  // the first Python start may create the SDK's environment (scripts/python.sh): minutes, not seconds
  const workerProc = worker === 'python'
    ? await startProc('bench/durable/axme_worker.py', [], { BENCH_TARGET: server.url }, 300_000)
    : await startProc('bench/durable/axme-worker.ts', [], { BENCH_TARGET: server.url });
  c.add(() => workerProc.stop());
  const driver = await startProc('bench/durable/driver.ts', ['axme'], { BENCH_TARGET: server.url });
  c.add(() => driver.stop());
  const m = await measure({ driver, worker: workerProc, statements, pids: { server: [server.proc.pid!], worker: [workerProc.proc.pid!], client: [driver.proc.pid!] }, database: db.name });
  const top = Object.entries(m.statements ?? {}).filter(([, n]) => n >= 0.05).sort((a, b) => b[1] - a[1]);
  const total = top.reduce((a, [, n]) => a + n, 0);
  const ph = m.phases ? `; median phases (ms): ${fmtPhases(m.phases)}` : '';
  return rows(worker === 'python' ? 'Axme, Python worker' : 'Axme', m, `${ph}; server sent ${total.toFixed(1)} statements/run: ${top.map(([k, n]) => `${n.toFixed(2)}× ${k}`).join(' · ')}`);
}

export const durableRunScenario: Scenario = {
  name: 'durable-run',
  title: TITLE,
  async run(ctx) {
    const out: Row[] = [];
    let peersMissing: string | null = null;
    try {
      ensurePeers();
    } catch (err) {
      peersMissing = `the peers could not be installed: ${(err as Error).message.slice(0, 200)}`;
    }
    const only = process.env.BENCH_DURABLE_SUBJECTS?.split(',');
    const subjects: [string, (c: Cleanup) => Promise<Row[]>][] = [
      ['restate', (c) => restateSubject(c)],
      ['dbos-inproc', (c) => dbosSubject(c, 'inproc')],
      ['dbos-queue', (c) => dbosSubject(c, 'queue')],
      ['axme', (c) => axmeSubject(c, ctx)],
      // the same run with the Python SDK's worker runtime (the client stays the TS driver)
      ['axme-python', (c) => axmeSubject(c, ctx, 'python')],
    ];
    // in the order given, so that repeated runs can alternate which subject goes first
    const chosen = only ? only.flatMap((k) => subjects.filter(([key]) => key === k)) : subjects;
    for (const [key, fn] of chosen) {
      if (peersMissing && !key.startsWith('axme')) {
        out.push({ scenario: TITLE, subject: key, value: null, unit: '', note: peersMissing });
        continue;
      }
      const c = new Cleanup();
      try {
        // every subject starts from the same quiet machine, whatever ran before it
        const settled = await settle();
        console.log(`  ${key}: ${settled}`);
        const rows = await fn(c);
        if (rows[0]) rows[0].note = [rows[0].note, settled].filter(Boolean).join('; ');
        out.push(...rows);
      } catch (err) {
        out.push({ scenario: TITLE, subject: key, value: null, unit: '', note: `failed: ${(err as Error).message.slice(0, 300)}` });
      } finally {
        await c.run();
      }
    }
    return out;
  },
};
