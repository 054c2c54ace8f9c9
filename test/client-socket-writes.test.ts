// A worker's hot writes (step records, completions) as operations over the client's
// shared graphql-ws socket, against a listening server: the same answers and errors as
// over HTTP, HTTP for what the socket cannot carry, and never a second send of a write
// that may have reached the server.
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { LeaseLostError, NetworkError, createClient } from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen } from '../src/server.ts';
import { freshDb } from './helpers/db.ts';
import { until } from './helpers/live.ts';
import { counting } from './helpers/counting-client.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(env: Record<string, string> = {}) {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SHUTDOWN_TIMEOUT_MS: '500', ...env });
  const running = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db, startSweeper: false }), createLogger('silent'));
  cleanups.push(() => running.shutdown());
  return running.url;
}

async function claimOne(client: ReturnType<typeof createClient>, type: string) {
  const intent = await client.submit({ type, input: { n: 1 } });
  const [lease] = await client.claimMany({ types: [type], limit: 1 });
  expect(lease!.intent.id).toBe(intent.id);
  return { id: intent.id, token: lease!.token };
}

it("sends a worker's step records and completion over the shared socket, with the results HTTP gives", async () => {
  const url = await start();
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close());
  const worker = client.worker({ types: ['writes.socket'], agent: 'test' }, async (run) => {
    const a = await run.step('a', () => ({ a: 1 }));
    const b = await run.step('b', () => ({ b: a.a + 1 }));
    return { sum: a.a + b.b };
  });
  cleanups.push(() => worker.stop());
  const intent = await client.submit({ type: 'writes.socket', input: {} });
  const done = await client.result(intent.id);
  expect(done.status).toBe('COMPLETED');
  expect(done.output).toEqual({ sum: 3 });
  const steps = await client.steps(intent.id, { withOutput: true });
  expect(steps!.map((s) => [s.name, s.status, s.output])).toEqual([['a', 'COMPLETED', { a: 1 }], ['b', 'COMPLETED', { b: 2 }]]);
  // the writes went over the socket, and only there
  expect(c.socket.filter((op) => op !== 'WatchIntent')).toEqual(['RecordStep', 'RecordStep', 'CompleteIntentsAck']);
  expect(c.http).not.toContain('RecordStep');
  expect(c.http).not.toContain('CompleteIntentsAck');
  expect(c.http).toContain('ClaimIntents');
});

it('refuses a write over the socket with the same error class and details as over HTTP', async () => {
  const url = await start();
  const c = counting();
  const overSocket = createClient({ url, send: c.send, webSocketImpl: c.impl });
  const overHttp = createClient({ url, writesOverSocket: false });
  cleanups.push(() => overSocket.close(), () => overHttp.close(), overSocket.holdWrites(), overHttp.holdWrites());
  const { id } = await claimOne(overHttp, 'writes.refused');
  const refusal = async (client: typeof overHttp) => {
    const err = await client.recordStep({ id, leaseToken: randomUUID(), name: 's', output: 1, durationMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseLostError);
    return { code: (err as LeaseLostError).code, details: (err as LeaseLostError).details };
  };
  expect(await refusal(overSocket)).toEqual(await refusal(overHttp));
  expect(c.socket).toEqual(['RecordStep']);
  expect(c.http).not.toContain('RecordStep');
});

it('sends a large write, and every write while the socket cannot connect, over HTTP', async () => {
  const url = await start();
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close(), client.holdWrites());
  const { id, token } = await claimOne(client, 'writes.large');
  // 100 KB of output: more than one socket message should carry
  await client.recordStep({ id, leaseToken: token, name: 'big', output: 'x'.repeat(100_000), durationMs: 1 });
  expect(c.http).toContain('RecordStep');
  expect(c.socket).toEqual([]);

  // a socket that never connects (a proxy refusing upgrades): the write goes over HTTP, once
  class Refused extends WebSocket {
    constructor(_url: string | URL, protocols?: string | string[]) {
      super('ws://127.0.0.1:9/graphql', protocols);
      opened++;
    }
  }
  let opened = 0;
  const blocked = counting();
  const behindProxy = createClient({ url, send: blocked.send, webSocketImpl: Refused });
  cleanups.push(() => behindProxy.close(), behindProxy.holdWrites());
  const second = await claimOne(behindProxy, 'writes.blocked');
  const step = await behindProxy.recordStep({ id: second.id, leaseToken: second.token, name: 's1', output: 1, durationMs: 1 });
  expect(step.name).toBe('s1');
  await behindProxy.recordStep({ id: second.id, leaseToken: second.token, name: 's2', output: 2, durationMs: 1 });
  expect(blocked.http.filter((op) => op === 'RecordStep')).toHaveLength(2);
  // the second write did not try the socket again
  expect(opened).toBe(1);
  expect((await behindProxy.steps(second.id))!.map((s) => s.name)).toEqual(['s1', 's2']);
});

it('fails a write with a NetworkError, and does not send it again, when the socket closes before its answer', async () => {
  const url = await start();
  const c = counting({ onSubscribe: (_ws, op) => (op === 'RecordStep' ? 'close' : 'send') });
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close(), client.holdWrites());
  const { id, token } = await claimOne(client, 'writes.dropped');
  // the socket opens first: the write leaves on it, then the socket closes
  const err = await client.recordStep({ id, leaseToken: token, name: 's', output: 1, durationMs: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  expect(c.socket).toEqual(['RecordStep']);
  expect(c.http).not.toContain('RecordStep');
});

it('fails a write with a NetworkError after timeoutMs without an answer, and does not send it again', async () => {
  const url = await start();
  const c = counting({ onSubscribe: (_ws, op) => (op === 'RecordStep' ? 'drop' : 'send') });
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl, timeoutMs: 300 });
  cleanups.push(() => client.close(), client.holdWrites());
  const { id, token } = await claimOne(client, 'writes.silent');
  const err = await client.recordStep({ id, leaseToken: token, name: 's', output: 1, durationMs: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  expect((err as Error).message).toMatch(/within 300 ms/);
  expect(c.http).not.toContain('RecordStep');
});

it('batches steps recorded together into one recordSteps operation on the socket', async () => {
  const url = await start();
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close(), client.holdWrites());
  const runs = [];
  for (let i = 0; i < 6; i++) runs.push(await claimOne(client, `writes.batch.${i}`));
  const steps = await Promise.all(runs.map((r, i) => client.recordStep({ id: r.id, leaseToken: r.token, name: 'only', output: i, durationMs: 1 })));
  expect(steps.map((s) => s.name)).toEqual(Array(6).fill('only'));
  // the first goes at once, those that came meanwhile together
  expect(c.socket[0]).toBe('RecordStep');
  expect(c.socket.length).toBeLessThan(6);
  expect(c.socket.slice(1).every((op) => op === 'RecordSteps')).toBe(true);
  expect(c.http).not.toContain('RecordStep');
  expect(c.http).not.toContain('RecordSteps');
});

it('fails a write whose socket closed normally after it left, instead of letting graphql-ws send it again', async () => {
  const url = await start();
  const c = counting({ onSubscribe: (_ws, op) => (op === 'RecordStep' ? 'close1000' : 'send') });
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close(), client.holdWrites());
  const { id, token } = await claimOne(client, 'writes.normal-close');
  const err = await client.recordStep({ id, leaseToken: token, name: 's', output: 1, durationMs: 1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  await new Promise((r) => setTimeout(r, 300));
  expect(c.socket).toEqual(['RecordStep']);
  expect(c.http).not.toContain('RecordStep');
});

it('sends writes over HTTP outside a hold, and keeps the held socket open across pauses until the hold ends', async () => {
  const url = await start();
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl, socketIdleMs: 50 });
  cleanups.push(() => client.close());
  const { id, token } = await claimOne(client, 'writes.hold');
  await client.recordStep({ id, leaseToken: token, name: 'before', output: 0, durationMs: 1 });
  expect(c.http).toEqual(['SubmitIntent', 'ClaimIntents', 'RecordStep']);
  expect(c.sockets.opened).toBe(0);

  const release = client.holdWrites();
  await client.recordStep({ id, leaseToken: token, name: 'a', output: 1, durationMs: 1 });
  // a step that runs longer than the subscription socket's idle delay finds it still open
  await new Promise((r) => setTimeout(r, 300));
  await client.recordStep({ id, leaseToken: token, name: 'b', output: 2, durationMs: 1 });
  expect(c.socket).toEqual(['RecordStep', 'RecordStep']);
  expect(c.sockets).toEqual({ opened: 1, open: 1 });
  await release();
  await new Promise((r) => setTimeout(r, 100));
  expect(c.sockets.open).toBe(0);
});

it('sends a write the server refused for the number of operations on its socket over HTTP, and the next over the socket', async () => {
  const url = await start({ AXME_MAX_SUBSCRIPTIONS: '1' });
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close(), client.holdWrites());
  const runs = [await claimOne(client, 'writes.refused-count.a'), await claimOne(client, 'writes.refused-count.b')];
  await client.recordStep({ id: runs[0]!.id, leaseToken: runs[0]!.token, name: 'warm', output: 0, durationMs: 1 });
  // a step and a completion at once: two operations, one more than the server takes on a socket
  const [step, [completed]] = await Promise.all([
    client.recordStep({ id: runs[0]!.id, leaseToken: runs[0]!.token, name: 'together', output: 1, durationMs: 1 }),
    client.completeMany([{ id: runs[1]!.id, leaseToken: runs[1]!.token, output: { done: true } }]),
  ]);
  expect(step.name).toBe('together');
  expect(completed).toHaveProperty('intent.status', 'COMPLETED');
  // the refused one went over HTTP, once
  expect(c.http.filter((op) => op === 'RecordStep' || op === 'CompleteIntents')).toHaveLength(1);
  // and the next write goes over the socket again: it took no new ones only while it carried one
  await client.recordStep({ id: runs[0]!.id, leaseToken: runs[0]!.token, name: 'after', output: 9, durationMs: 1 });
  expect(c.socket[c.socket.length - 1]).toBe('RecordStep');
  expect(c.sockets.opened).toBe(1);
});

it('sends a write over HTTP when the upgrade never completes, and lets go of the attempt when the hold ends', async () => {
  const url = await start();
  // a proxy that takes the connection and never answers the upgrade
  const held: Socket[] = [];
  const silent = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => {
    for (const socket of held) socket.destroy();
    silent.close(resolve);
  }));
  const port = (silent.address() as { port: number }).port;
  let closed = 0;
  class Swallowed extends WebSocket {
    constructor(_url: string | URL, protocols?: string | string[]) {
      super(`ws://127.0.0.1:${port}/graphql`, protocols);
      this.addEventListener('close', () => closed++);
    }
  }
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: Swallowed });
  cleanups.push(() => client.close());
  const release = client.holdWrites();
  const { id, token } = await claimOne(client, 'writes.swallowed');
  const step = await client.recordStep({ id, leaseToken: token, name: 's', output: 1, durationMs: 1 });
  expect(step.name).toBe('s');
  expect(c.http.filter((op) => op === 'RecordStep')).toHaveLength(1);
  // the attempt was given up, so the hold ends at once
  await until(() => closed === 1, 5_000, 'the stuck upgrade closed');
  const started = Date.now();
  await release();
  expect(Date.now() - started).toBeLessThan(1_000);
}, 20_000);

it('executes a run over the shared socket in one operation, and recovers one dropped mid-wait by its idempotency key', async () => {
  const url = await start();
  const axme = createClient({ url });
  const worker = axme.worker({ types: ['writes.execute'], agent: 'test' }, async (run) => ({ got: run.input }));
  cleanups.push(() => axme.close(), () => worker.stop());
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close());
  const done = await client.execute({ type: 'writes.execute', input: { n: 1 } });
  expect(done).toMatchObject({ status: 'COMPLETED', output: { got: { n: 1 } } });
  expect(c.socket).toEqual(['ExecuteIntent']);
  expect(c.http).toEqual([]);

  // the socket drops while the answer is held: submitted again (HTTP) under the same key, one intent
  const dropping = counting({ onSubscribe: (_ws, op) => (op === 'ExecuteIntent' ? 'close' : 'send') });
  const other = createClient({ url, send: dropping.send, webSocketImpl: dropping.impl });
  cleanups.push(() => other.close());
  const again = await other.execute({ type: 'writes.execute', input: { n: 2 }, idempotencyKey: 'writes-execute-2' });
  expect(again).toMatchObject({ status: 'COMPLETED', output: { got: { n: 2 } } });
  expect(dropping.socket[0]).toBe('ExecuteIntent');
  expect(dropping.http).toContain('SubmitIntent');
  expect((await axme.list({ type: ['writes.execute'] })).nodes).toHaveLength(2);
});

it('sends nothing for an execute() whose signal has already aborted', async () => {
  const url = await start();
  const c = counting();
  const client = createClient({ url, send: c.send, webSocketImpl: c.impl });
  cleanups.push(() => client.close());
  const ac = new AbortController();
  ac.abort(new Error('gave up'));
  await expect(client.execute({ type: 'writes.aborted' }, { signal: ac.signal })).rejects.toThrow('gave up');
  expect(c.socket).toEqual([]);
  expect(c.http).toEqual([]);
});
