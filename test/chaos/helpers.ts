/**
 * Child processes, a fault-injecting TCP proxy and small HTTP helpers for the
 * chaos suite. Everything listens on 127.0.0.1; every child is tracked so a
 * failed test still kills it (killAll in afterEach/afterAll).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/db/types.ts';
import { freePort } from '../helpers/live.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PG_URL = process.env.DATABASE_URL ?? null;

const children = new Set<ChildProcess>();

/** A node child running `script` (a .ts path relative to the repository) with its output kept for failure messages. */
export function spawnNode(script: string, env: Record<string, string>, onLine?: (line: string) => void): ChildProcess & { output: () => string } {
  // @axme/source: @axme/client from its source, as in this process (vitest.config.ts)
  const child = spawn(process.execPath, ['--conditions=@axme/source', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: () => string };
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  let partial = '';
  const keep = (d: Buffer) => {
    out = (out + String(d)).slice(-4000);
  };
  child.stdout!.on('data', (d: Buffer) => {
    keep(d);
    if (!onLine) return;
    partial += String(d);
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  child.stderr!.on('data', keep);
  child.output = () => out;
  return child;
}

/** SIGKILLs a child and waits until it is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

/** Kills every child this process started and has not seen exit (cleanup after a failure). */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((c) => {
    // a SIGSTOPped child must be continued to die promptly
    c.kill('SIGCONT');
    return kill(c);
  }));
}

export interface ServerProcess {
  child: ChildProcess & { output: () => string };
  port: number;
  base: string;
  url: string;
}

/** Starts src/main.ts on a free port and waits for /readyz. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnNode('src/main.ts', {
    HOST: '127.0.0.1',
    PORT: String(port),
    AXME_AUTH: 'off',
    AXME_LOG_LEVEL: 'warn',
    AXME_RATE_LIMIT: '0',
    AXME_SHUTDOWN_TIMEOUT_MS: '1000',
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  const giveUp = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${child.output()}`);
    if (Date.now() > giveUp) {
      await kill(child);
      throw new Error(`server did not get ready: ${child.output()}`);
    }
    const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) break;
    await sleep(50);
  }
  return { child, port, base, url: `${base}/graphql` };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function readyStatus(base: string): Promise<number> {
  return fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
}

/** One GraphQL request; throws on network errors, timeouts and GraphQL errors alike (chaos clients retry them all). */
export async function gql<T = any>(url: string, query: string, variables?: unknown, timeoutMs = 5000): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export const SUBMIT = `mutation($t: String!, $k: String!, $i: JSON) { submitIntent(input: { type: $t, idempotencyKey: $k, input: $i }) { id } }`;

/**
 * A TCP proxy in front of PostgreSQL that the test can cut: cut() destroys every
 * open connection and refuses new ones until restore().
 */
export class FaultProxy {
  port = 0;
  cuts = 0;
  private server: Server | null = null;
  private readonly open = new Set<Socket>();
  private refusing = false;
  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      this.open.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(client);
        this.open.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
  }

  get connections(): number {
    return this.open.size / 2;
  }

  cut(): void {
    this.cuts++;
    this.refusing = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

/** DATABASE_URL with host and port replaced (to go through the proxy). */
export function viaPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

export function figures(name: string, f: Record<string, number>): void {
  // one line per test, easy to grep from CI logs
  console.log(`chaos ${name}: ${Object.entries(f).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
}

/** Lost and doubled acknowledged submits: each acknowledged key must map to exactly its acknowledged id. */
export async function auditAcknowledged(db: Db, acked: ReadonlyMap<string, string>): Promise<{ rows: number; lost: number; duplicates: number }> {
  const rows = (await db.query<{ id: string; idempotency_key: string }>(`select id, idempotency_key from intents`)).rows;
  const byKey = new Map<string, string[]>();
  for (const r of rows) byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r.id]);
  let lost = 0;
  let duplicates = 0;
  for (const [key, id] of acked) {
    const ids = byKey.get(key) ?? [];
    if (!ids.includes(id)) lost++;
    if (ids.length > 1) duplicates++;
  }
  return { rows: rows.length, lost, duplicates };
}
