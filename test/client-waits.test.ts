// Durable waits in the worker runtime, against a real server on a port: each wait
// ends the run, and the handler re-run after the wake gets the decision.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type Axme, type Worker } from '@axme/client';
import { ManualClock } from '../src/core/clock.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { createAxme } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { until } from './helpers/live.ts';

let tdb: TestDb;
let srv: { app: Awaited<ReturnType<typeof createAxme>>; running: RunningServer; url: string };
const manual = new ManualClock(new Date());
let client: Axme;
const workers: Worker[] = [];

beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_CLAIM_POLL_MS: '50', AXME_SUBSCRIPTION_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500' });
  const app = await createAxme(config, createLogger('silent'), { db: tdb.db, clock: manual, startSweeper: false });
  const running = await listen(app, createLogger('silent'));
  srv = { app, running, url: running.url };
  client = createClient({ url: srv.url });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await srv.running.shutdown();
  await tdb.close();
});

let n = 0;
const uniqueType = () => `waits.t${++n}`;
const clock = () => manual;
const start = (...a: Parameters<Axme['worker']>) => {
  const w = client.worker({ ...a[0], onError: (e) => process.env.DEBUG_WORKER && console.error(e), waitSeconds: 1 }, a[1]);
  workers.push(w);
  return w;
};
const pendingApproval = async (intentId: string) => {
  let id = '';
  await until(async () => {
    const page = await client.approvals({ intentId, status: ['PENDING'] });
    id = page.nodes[0]?.id ?? '';
    return id !== '';
  }, 20_000, 'a pending approval');
  return id;
};

it('requestApproval: the run ends while a human decides; the re-run returns the decision and skips finished steps', async () => {
  const type = uniqueType();
  const calls = { draft: 0, send: 0, runs: 0 };
  start({ types: [type] }, async (run) => {
    calls.runs++;
    const draft = await run.step('draft', () => `draft ${++calls.draft}`);
    const decision = await run.requestApproval({ title: 'Send it?', description: draft });
    if (!decision.approved) return { sent: false, comment: decision.comment };
    const sent = await run.step('send', () => ++calls.send);
    return { sent, draft, comment: decision.comment, data: decision.data, by: decision.resolvedBy };
  });
  const intent = await client.submit({ type });
  const approvalId = await pendingApproval(intent.id);
  expect(await client.get(intent.id)).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', lease: null });

  const resolved = await client.resolveApproval({ approvalId, outcome: 'approve', comment: 'ship it', data: { tone: 'ok' }, resolvedBy: 'alice' });
  expect(resolved).toMatchObject({ status: 'RESOLVED', outcome: 'approve', resolvedBy: 'alice' });
  const done = await client.result(intent.id);
  expect(done).toMatchObject({ status: 'COMPLETED', output: { sent: 1, draft: 'draft 1', comment: 'ship it', data: { tone: 'ok' }, by: 'alice' } });
  expect(calls).toEqual({ draft: 1, send: 1, runs: 2 });
});

it('waitForSignal returns the payload (also of a signal sent before the wait), or {timedOut: true}', async () => {
  const type = uniqueType();
  start({ types: [type] }, async (run) => {
    const first = await run.waitForSignal('go');
    const second = await run.waitForSignal('go', { timeoutSeconds: 60 });
    return { first, second };
  });
  const intent = await client.submit({ type });
  await client.signal(intent.id, 'go', { n: 1 }); // maybe before the wait: it is kept
  await until(async () => (await client.get(intent.id))?.waitingFor === 'SIGNAL' && (await client.events(intent.id)).filter((e) => e.kind === 'WAITING').length === 2, 20_000, 'the second wait');
  clock().advance(61_000);
  await srv.app.sweeper.sweep();
  const done = await client.result(intent.id);
  expect(done.output).toMatchObject({ first: { timedOut: false, name: 'go', payload: { n: 1 } }, second: { timedOut: true, name: 'go', payload: null } });
});

it('child() submits once per key; waitForChildren returns their outputs', async () => {
  const parentType = uniqueType();
  const childType = uniqueType();
  let spawns = 0;
  start({ types: [childType] }, async (run) => ({ doubled: (run.input as { x: number }).x * 2 }));
  start({ types: [parentType] }, async (run) => {
    for (const x of [1, 2]) {
      await run.child(`c${x}`, { type: childType, input: { x } });
      spawns++;
    }
    const r = await run.waitForChildren();
    return r.children.map((c) => c.output).sort((a: any, b: any) => a.doubled - b.doubled);
  });
  const intent = await client.submit({ type: parentType });
  const done = await client.result(intent.id);
  expect(done.output).toEqual([{ doubled: 2 }, { doubled: 4 }]);
  expect((await client.list({ parentId: intent.id })).totalCount).toBe(2);
  expect(spawns).toBeGreaterThanOrEqual(2); // re-runs submit again, idempotently
});

it('sleep holds no worker and wakes at the time fixed on the first call; progress reaches watchers', async () => {
  const type = uniqueType();
  start({ types: [type] }, async (run) => {
    await run.progress({ phase: 'before sleep' });
    await run.sleep(3600);
    return 'woke';
  });
  const intent = await client.submit({ type });
  const seen: unknown[] = [];
  const ac = new AbortController();
  const watching = (async () => {
    for await (const i of client.changes(intent.id, { signal: ac.signal })) {
      seen.push(i.progress);
      if (i.waitingFor === 'TIME') break;
    }
  })();
  await watching;
  expect(seen).toContainEqual({ phase: 'before sleep' });
  clock().advance(1800_000);
  await srv.app.sweeper.sweep();
  expect((await client.get(intent.id))?.status).toBe('WAITING');
  clock().advance(1801_000);
  await srv.app.sweeper.sweep();
  expect(await client.result(intent.id)).toMatchObject({ status: 'COMPLETED', output: 'woke' });
});
