// The TypeScript worker runtime's session against a real server on the real clock, with
// the sweeper running: a handler that is only slow (far longer than sessionSeconds) keeps
// its session and its lease, because heartbeats run on their own timer; a worker whose
// session is lost (here: ended behind its back) registers again and carries on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import { createAxme } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, until } from './helpers/live.ts';

let tdb: TestDb;
let server: RunningServer;
beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SWEEP_MS: '100', AXME_CLAIM_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500' });
  server = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
});
afterAll(async () => {
  await server?.shutdown();
  await tdb?.close();
});

it('a slow handler keeps its session and its lease: one attempt, no release', async () => {
  const axme = createClient({ url: server.url });
  const worker = axme.worker({ types: ['rt.slow'], sessionSeconds: 2, waitSeconds: 1 }, async () => {
    await new Promise((r) => setTimeout(r, 5_000)); // 2.5 sessions long
    return { done: true };
  });
  try {
    const intent = await axme.submit({ type: 'rt.slow', input: {} });
    const done = await axme.result(intent.id, { signal: AbortSignal.timeout(30_000) });
    expect(done).toMatchObject({ status: 'COMPLETED', attempt: 1 });
    const kinds = (await axme.events(intent.id)).map((e) => e.kind);
    expect(kinds).toEqual(['SUBMITTED', 'CLAIMED', 'COMPLETED']);
    expect((await axme.workers({ status: ['CONNECTED'] })).filter((w) => w.types.includes('rt.slow'))).toHaveLength(1);
  } finally {
    await worker.stop();
  }
  expect((await axme.workers({ type: ['rt.slow'] })).map((w) => w.status)).toEqual(['STOPPED']);
}, 40_000);

it('a worker whose session ended behind its back registers again and keeps working', async () => {
  const axme = createClient({ url: server.url });
  const logged: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => logged.push(String(m));
  const worker = axme.worker({ types: ['rt.lost'], waitSeconds: 1, onError: () => {} }, () => ({ ok: true }));
  try {
    let first = '';
    await until(async () => {
      first = (await axme.workers({ type: ['rt.lost'], status: ['CONNECTED'] }))[0]?.id ?? '';
      return first !== '';
    }, 20_000, 'the session');
    await post(server.url, `mutation($id: ID!) { stopWorker(input: { id: $id }) { status } }`, { id: first });
    await until(async () => (await axme.workers({ type: ['rt.lost'], status: ['CONNECTED'] })).some((w) => w.id !== first), 20_000, 'a new session');
    expect(logged.join('\n')).toMatch(/session .* was STOPPED .*registering again/);
    const intent = await axme.submit({ type: 'rt.lost', input: {} });
    await until(async () => (await axme.get(intent.id))?.status === 'COMPLETED', 20_000, 'the intent to complete');
  } finally {
    await worker.stop();
    console.warn = warn;
  }
}, 60_000);
