// Shared pieces of the benchmarks: bounded load loops, latency percentiles, a keep-alive
// GraphQL client, child-process servers, scratch schemas and temp folders, all cleaned
// up even when a scenario throws or the run is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const CONCURRENCY = 8;

// ---- cleanup: children are killed synchronously on exit; schemas and folders go in finally blocks
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      tempDirs.delete(path);
    },
  };
}

export interface Rate { perSecond: number; count: number; errors: number; seconds: number }

/** Runs `concurrency` loops of `op` for `seconds` (bounded in time); an op returning false ends its loop, a number counts as that many. */
export async function rate(
  concurrency: number, seconds: number, op: (loop: number) => Promise<boolean | number | void>,
): Promise<Rate> {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (performance.now() < until) {
        try {
          const r = await op(loop);
          if (r === false) return;
          count += typeof r === 'number' ? r : 1;
        } catch (err) {
          if (++errors <= 3) console.error(`  error: ${(err as Error).message}`);
          if (errors > 1000) throw err;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: count / elapsed, count, errors, seconds: elapsed };
}

/**
 * Measures each subject in turn, `rounds` times for seconds/rounds each, and sums: on a
 * shared machine the load drifts, and alternating spreads the drift over all subjects.
 */
export async function alternate<K extends string>(
  subjects: Record<K, (seconds: number) => Promise<Rate>>, seconds: number, rounds = 2,
): Promise<Record<K, Rate>> {
  const total = {} as Record<K, Rate>;
  for (let r = 0; r < rounds; r++) {
    for (const k of Object.keys(subjects) as K[]) {
      const x = await subjects[k](seconds / rounds);
      const t = (total[k] ??= { perSecond: 0, count: 0, errors: 0, seconds: 0 });
      t.count += x.count;
      t.errors += x.errors;
      t.seconds += x.seconds;
      t.perSecond = t.count / t.seconds;
    }
  }
  return total;
}

export interface Latency { p50: number; p99: number; count: number }

export function percentiles(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), count: s.length };
}

/** Times one call, in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const c = new pg.Client({ connectionString: DATABASE_URL, options: schema ? `-c search_path=${schema}` : undefined });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A scratch schema, dropped by `drop()` (call it in a finally block). With create false
 * only the name is reserved, for peers that create their schema themselves.
 */
export async function scratchSchema(prefix: string, create = true) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  schemas.add(name);
  if (create) await admin((c) => c.query(`create schema ${name}`));
  return {
    name,
    async drop() {
      await admin((c) => c.query(`drop schema if exists ${name} cascade`));
      schemas.delete(name);
    },
  };
}

const schemas = new Set<string>();
const databases = new Set<string>();

/**
 * A scratch database (for figures pg_stat_database keeps per database: commits and rows of
 * one subject only, apart from other sessions on the same server), dropped by `drop()`.
 */
export async function scratchDatabase(prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  databases.add(name);
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
      databases.delete(name);
    },
  };
}

/** Kills `proc` with the others when the run exits or is interrupted. */
export function track(proc: ChildProcess): ChildProcess {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}

/**
 * For an interrupted or timed-out run, whose finally blocks will not run: kill the
 * servers, then drop what is left, each drop bounded by a lock timeout.
 */
export async function emergencyCleanup(): Promise<void> {
  for (const c of children) c.kill('SIGKILL');
  await Promise.race([
    admin(async (c) => {
      await c.query(`set lock_timeout = '5s'`);
      for (const name of schemas) await c.query(`drop schema if exists ${name} cascade`).catch(() => {});
      for (const name of databases) await c.query(`drop database if exists ${name} with (force)`).catch(() => {});
    }),
    sleep(20_000),
  ]).catch(() => {});
}

export interface Server { url: string; proc: ChildProcess; stop(): Promise<void> }

/**
 * Starts `node src/main.ts` as a child (its own event loop, as in production) and waits
 * until /readyz answers. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const base = { ...process.env };
  delete base.DATABASE_URL; // the caller says which backend, so PGlite runs can leave it out
  const proc = spawn(process.execPath, [...nodeArgs, 'src/main.ts'], {
    // auth and the per-key rate limit are measured by nothing here: the bench measures the intent path
    env: { ...base, AXME_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), AXME_AUTH: 'off', AXME_RATE_LIMIT: '0', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(proc);
  const url = `http://127.0.0.1:${port}/graphql`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(void children.delete(proc));
      const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        children.delete(proc);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('server did not become ready within 60 s');
    }
    try {
      if ((await fetch(url.replace('/graphql', '/readyz'))).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, proc, stop };
}

// node:http with keep-alive costs the load generator less CPU than fetch, and the load
// generator shares the machine's two cores with the server and PostgreSQL.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export function gql(url: string, query: string, variables?: unknown): Promise<any> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString()) as { data?: any; errors?: { message: string }[] };
          if (parsed.errors?.length) reject(new Error(parsed.errors[0]!.message));
          else resolve(parsed.data);
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cleanups run in reverse order of registration, each even when an earlier one fails. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown> | unknown)[] = [];
  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`  cleanup failed: ${(err as Error).message}`);
      }
    }
    this.steps.length = 0;
  }
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux); null elsewhere.
 * On a shared machine CPU per operation is steadier than operations per second.
 */
export function cpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return null;
  }
}

/** Runs `fn` and returns its result with the CPU ms `pid` spent meanwhile (null off Linux). */
export async function withCpu<T>(pid: number | undefined, fn: () => Promise<T>): Promise<{ result: T; cpu: number | null }> {
  const before = cpuMs(pid);
  const result = await fn();
  const after = cpuMs(pid);
  return { result, cpu: before === null || after === null ? null : after - before };
}

/** Wraps a measurement so the CPU `pid` spends during it adds up in `into[key]`. */
export function metered<K extends string>(pid: number | undefined, into: Partial<Record<K, number>>, key: K, fn: (seconds: number) => Promise<Rate>) {
  return async (seconds: number): Promise<Rate> => {
    const { result, cpu } = await withCpu(pid, () => fn(seconds));
    into[key] = (into[key] ?? 0) + (cpu ?? NaN);
    return result;
  };
}

/** "0.93 ms CPU/op" from total CPU ms and operations, or '' when unknown. */
export const cpuPerOp = (cpu: number | undefined, r: Rate, who: string) =>
  cpu === undefined || Number.isNaN(cpu) ? '' : `${who} CPU ${(cpu / r.count).toFixed(2)} ms/op`;
