import { afterEach, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let tdb: TestDb | null = null;
let running: RunningServer | null = null;
afterEach(async () => {
  await running?.shutdown();
  await tdb?.close();
  running = null;
  tdb = null;
});

async function start(env: Record<string, string> = {}) {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', ...env });
  const app = await createAxme(config, createLogger('silent'), { db: tdb.db });
  running = await listen(app, createLogger('silent'));
  return { app, running };
}

const post = (url: string, query: string, variables?: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });

it('serves over a real port and shuts down gracefully: a waiting claim ends with null, then the port closes', async () => {
  const { running: r } = await start({ AXME_SHUTDOWN_TIMEOUT_MS: '5000' });
  const waiting = post(r.url, `mutation { claimIntent(input: { types: ["never"], waitSeconds: 30 }) { token } }`);
  await new Promise((res) => setTimeout(res, 200));
  const stopped = r.shutdown();
  const body = await (await waiting).json();
  expect(body).toEqual({ data: { claimIntent: null } });
  await stopped;
  await expect(fetch(r.url.replace('/graphql', '/healthz'))).rejects.toThrow();
  running = null;
});

it('reports not ready while draining, and hides internal failures behind INTERNAL', async () => {
  const { app, running: r } = await start();
  const base = r.url.replace('/graphql', '');
  expect((await fetch(`${base}/readyz`)).status).toBe(200);

  // break the database under the running server
  await tdb!.db.close();
  const res = await post(r.url, `{ intents { totalCount } }`);
  expect(res.status).toBeLessThan(500);
  const body = await res.json();
  expect(body.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } });
  expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+/);
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  app.drain();
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
});

it('reports every bad configuration value at once', () => {
  let err: unknown;
  try {
    loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', AXME_DEFAULT_LEASE_SECONDS: '-1', AXME_MIGRATE: 'maybe' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const problems = (err as ConfigError).problems;
  expect(problems).toHaveLength(4);
  expect(problems.join('\n')).toMatch(/PORT=abc/);
  expect(problems.join('\n')).toMatch(/DATABASE_URL/);
  expect(problems.join('\n')).toMatch(/AXME_DEFAULT_LEASE_SECONDS=-1/);
  expect(problems.join('\n')).toMatch(/AXME_MIGRATE=maybe/);
});

it('defaults to the embedded backend on port 4000', () => {
  const c = loadConfig({});
  expect(c).toMatchObject({ port: 4000, databaseUrl: null, redisUrl: null, dataDir: './.axme/data' });
});

it('does not wait for a connection that never sent a request', async () => {
  const { running: r } = await start({ AXME_SHUTDOWN_TIMEOUT_MS: '60000' });
  const { port } = r.server.address() as { port: number };
  const { connect } = await import('node:net');
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  // with a 60 s timeout, only closing the silent socket lets this finish within the test's own timeout
  await r.shutdown();
  await closed;
  running = null;
}, 20_000);
