/**
 * src/main.ts in a child process with a bounded heap, for tests that push the
 * server's memory: if the server runs away it dies alone (the test sees it exit)
 * instead of taking the machine or the test runner with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './live.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildServer {
  url: string;
  wsUrl: string;
  base: string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The process's resident set now and at its peak (VmRSS, VmHWM), in bytes; null where /proc is absent. */
  rss(): { now: number; peak: number } | null;
  /** Starts the peak over from now (Linux clear_refs), so it measures what follows and not start-up. */
  resetPeak(): void;
  /** The last few kilobytes of its output, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a few seconds; resolves once it is gone. */
  stop(): Promise<void>;
}

export async function startChildServer(env: Record<string, string>, o: { maxOldSpaceMb: number }): Promise<ChildServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [`--max-old-space-size=${o.maxOldSpaceMb}`, 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), AXME_LOG_LEVEL: 'warn', AXME_SHUTDOWN_TIMEOUT_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + String(d)).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const base = `http://127.0.0.1:${port}`;
  const server: ChildServer = {
    url: `${base}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    base,
    alive,
    rss() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
        return { now: kb('VmRSS'), peak: kb('VmHWM') };
      } catch {
        return null;
      }
    },
    resetPeak() {
      try {
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      } catch {
        // not Linux: rss() is null there anyway
      }
    },
    output: () => out,
    async stop() {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const giveUp = Date.now() + 60_000;
  for (;;) {
    if (!alive()) throw new Error(`server exited (${child.exitCode ?? child.signalCode}): ${out}`);
    if (Date.now() > giveUp) {
      await server.stop();
      throw new Error(`server did not get ready: ${out}`);
    }
    const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
}
