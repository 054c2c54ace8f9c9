// Shared pieces of the benchmarks: a bounded load loop, a child-process server, a scratch schema.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `concurrency` loops of `op` for `seconds` (bounded in time) and returns completed ops per second. */
export async function rate(concurrency: number, seconds: number, op: (loop: number) => Promise<boolean | void>): Promise<{ perSecond: number; count: number; errors: number }> {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (performance.now() < until) {
        try {
          if ((await op(loop)) === false) return;
          count++;
        } catch (err) {
          if (++errors < 3) console.error(`  error: ${(err as Error).message}`);
          if (errors > 1000) throw err;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: count / elapsed, count, errors };
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

/** A scratch schema, dropped by `drop()`. */
export async function scratchSchema(prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${name}`);
  return {
    name,
    async drop() {
      await admin.query(`drop schema ${name} cascade`);
      await admin.end();
    },
  };
}

/** Starts `node src/main.ts` as a child (its own event loop, as in production) and waits until it serves. */
export async function startServer(env: Record<string, string>): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['src/main.ts'], {
    env: { ...process.env, AXME_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url.replace('/graphql', '/readyz'))).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

export async function gql(url: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors[0]!.message);
  return body.data;
}
