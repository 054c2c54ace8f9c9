import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createAxme, type Axme } from '../../src/app.ts';
import { type Clock, ManualClock } from '../../src/core/clock.ts';
import type { Db } from '../../src/db/types.ts';
import { loadConfig } from '../../src/core/config.ts';
import { type Logger, createLogger } from '../../src/core/log.ts';
import { listen, type RunningServer } from '../../src/server.ts';

export const REDIS_URL = process.env.REDIS_URL ?? null;

export interface Instance {
  app: Axme;
  running: RunningServer;
  url: string;
  wsUrl: string;
}

/** A real server on port 0. Pass redisUrl and a per-test prefix to fan out through Redis; `log` replaces the silent logger; `clock` one the test moves. */
export async function startInstance(db: Db, env: Record<string, string> = {}, log?: Logger, clock?: Clock): Promise<Instance> {
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SUBSCRIPTION_POLL_MS: '50', ...env });
  const app = await createAxme(config, log ?? createLogger('silent'), { db, clock: clock ?? new ManualClock(new Date()), startSweeper: false });
  const running = await listen(app, createLogger('silent'));
  return { app, running, url: running.url, wsUrl: running.url.replace(/^http/, 'ws') };
}

export const testPrefix = () => `axme-test-${randomBytes(5).toString('hex')}`;

export async function post<T = any>(url: string, query: string, variables?: unknown, headers: Record<string, string> = {}): Promise<{ data?: T; errors?: any[] }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<{ data?: T; errors?: any[] }>;
}

export function wsClient(wsUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {}, ...(connectionParams ? { connectionParams } : {}) });
}

/** Subscribes over graphql-ws and returns a pull-style reader of results. */
export function wsSubscribe(client: Client, query: string, variables?: Record<string, unknown>) {
  const it = client.iterate({ query, variables })[Symbol.asyncIterator]();
  return {
    async next(): Promise<any> {
      const r = await it.next();
      return r.done ? null : r.value;
    },
    async close() {
      await it.return?.();
    },
  };
}

/** A small SSE reader over fetch (yoga's "distinct connections" mode): yields each `next` payload, null at `complete`. */
export function sseSubscribe(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const pending: any[] = [];
  let buf = '';
  let reader: ReadableStreamDefaultReader<string> | null = null;
  const open = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: ac.signal,
  }).then((res) => {
    reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  });
  return {
    async next(): Promise<any> {
      await open;
      for (;;) {
        if (pending.length) return pending.shift();
        const { value, done } = await reader!.read();
        if (done) return null;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'next' && data) pending.push(JSON.parse(data));
          if (event === 'complete') pending.push(null);
        }
      }
    },
    async close() {
      ac.abort();
      await open.catch(() => {});
      await reader?.cancel().catch(() => {});
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server child (never the shared one), for tests that stop and restart Redis. */
export class RedisProcess {
  readonly port: number;
  private child: ChildProcess | null = null;
  constructor(port: number) {
    this.port = port;
  }
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-300)}`)));
    });
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

export async function hasRedisServer(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    p.once('error', () => resolve(false));
    p.once('exit', (code) => resolve(code === 0));
  });
}

/** Polls `check` until it holds, up to `ms` (a bounded wait, not a timing assertion). */
export async function until(check: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  const giveUp = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
