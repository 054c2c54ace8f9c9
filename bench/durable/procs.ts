// Child processes of the durable-run scenario: started with a line protocol on stdio
// (a "ready" line, then one JSON answer per command), tracked for cleanup, and measured
// from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { admin, cpuMs, sleep, track } from '../lib.ts';

export interface Proc {
  proc: ChildProcess;
  ask<T = any>(command: string): Promise<T>;
  stop(): Promise<void>;
}

/** Spawns `node script ...args` (a .py script: the SDK's Python, through scripts/python.sh, which execs it) and waits for its "ready" line. */
export async function startProc(script: string, args: string[], env: Record<string, string>, readyWithinMs = 60_000): Promise<Proc> {
  const [cmd, argv] = script.endsWith('.py') ? ['sh', ['scripts/python.sh', script, ...args]] : [process.execPath, [script, ...args]];
  const proc = track(spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = createInterface({ input: proc.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const early: string[] = [];
  lines.on('line', (line) => {
    // a library's own logging on stdout is passed on, not taken for an answer
    if (line !== 'ready' && !line.startsWith('{"ok"') && !line.startsWith('{"error"')) return void process.stderr.write(`  [${script}] ${line}\n`);
    const w = waiting.shift();
    if (w) w(line);
    else early.push(line);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      if (early.length) return resolve(early.shift()!);
      const onExit = () => reject(new Error(`${script} exited with ${proc.exitCode ?? proc.signalCode}`));
      proc.once('exit', onExit);
      waiting.push((l) => {
        proc.off('exit', onExit);
        resolve(l);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.stdin!.end();
      proc.kill('SIGTERM');
    });
  const ready = await Promise.race([next(), sleep(readyWithinMs).then(() => 'timeout')]);
  if (ready !== 'ready') {
    await stop();
    throw new Error(`${script} ${args.join(' ')} did not start: ${ready}`);
  }
  return {
    proc,
    stop,
    async ask(command) {
      proc.stdin!.write(`${command}\n`);
      const answer = JSON.parse(await next()) as { ok?: unknown; error?: string };
      if (answer.error) throw new Error(`${script}: ${answer.error}`);
      return answer.ok as any;
    },
  };
}

/** CPU ms used so far by each named process group (pids), for deltas around a phase. */
export function cpuSnapshot(groups: Record<string, number[]>): Record<string, Map<number, number>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [k, pids] of Object.entries(groups)) out[k] = new Map(pids.flatMap((p) => { const c = cpuMs(p); return c === null ? [] : [[p, c] as const]; }));
  return out;
}

/** CPU ms each group used between two snapshots (a process that started in between counts from 0). */
export function cpuDelta(a: Record<string, Map<number, number>>, b: Record<string, Map<number, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, after] of Object.entries(b)) {
    let sum = 0;
    for (const [pid, c] of after) sum += c - (a[k]?.get(pid) ?? 0);
    out[k] = sum;
  }
  return out;
}

/** The PostgreSQL backends serving one database (their CPU is the database's share of a run). */
export const backendPids = (database: string) =>
  admin(async (c) => (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])).rows.map((r) => r.pid));

export interface DbCounters { commits: number; rollbacks: number; inserted: number; updated: number; deleted: number; fetched: number; returned: number; walBytes: number }

/**
 * pg_stat_database of one database. Backends report their counters when they go idle,
 * at most once a second (PostgreSQL 15+), so callers wait ~1.2 s after a phase before reading.
 */
export async function dbCounters(database: string): Promise<DbCounters> {
  return admin(async (c: pg.Client) => {
    const r = await c.query(`select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched, tup_returned,
      pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 as wal from pg_stat_database where datname = $1`, [database]);
    const x = r.rows[0];
    return { commits: +x.xact_commit, rollbacks: +x.xact_rollback, inserted: +x.tup_inserted, updated: +x.tup_updated, deleted: +x.tup_deleted, fetched: +x.tup_fetched, returned: +x.tup_returned, walBytes: +x.wal };
  });
}

export function diff<T extends object>(a: T, b: T, per: number): T {
  const x = a as Record<string, number>;
  const y = b as Record<string, number>;
  return Object.fromEntries(Object.keys(x).map((k) => [k, (y[k]! - x[k]!) / per])) as T;
}

/** The machine's idle share over `ms`, from /proc/stat (idle + iowait over all jiffies). */
async function idleShare(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1;
}

/**
 * Lets the machine settle before a subject, so that none pays for the one before it: a
 * CHECKPOINT (the last subject's dirty pages are written now, not during the next one),
 * then until no autovacuum worker runs and the CPUs were ≥ 90% idle over a second, for at
 * most `maxMs`. Returns what it waited for, for the row's note.
 */
export function settle(maxMs = 30_000): Promise<string> {
  const started = Date.now();
  return admin(async (c) => {
    await c.query('checkpoint');
    let idle = 0;
    let vacuums = 0;
    while (Date.now() - started < maxMs) {
      vacuums = (await c.query(`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`)).rows[0].n;
      idle = await idleShare(1000);
      if (vacuums === 0 && idle >= 0.9) break;
    }
    return `settled ${((Date.now() - started) / 1000).toFixed(1)} s (CPU ${Math.round(idle * 100)}% idle${vacuums ? `, ${vacuums} autovacuum running` : ''})`;
  });
}
