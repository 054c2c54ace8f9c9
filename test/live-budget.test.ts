/**
 * The delivery budgets (graphql/delivery-budget.ts) over real sockets, with small
 * limits so a few subscribers reach them: results wait for the process's budget and
 * all arrive in order; an oversize result becomes a PAYLOAD_TOO_LARGE error naming
 * its event while the stream goes on; a socket that stops reading is closed with 4429.
 * Every byte counted is given back once the connections are gone.
 */
import { afterEach, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/core/config.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, sseSubscribe, startInstance, until, wsClient, wsSubscribe } from './helpers/live.ts';

const KiB = 1024;
let tdb: TestDb | null = null;
let inst: Instance | null = null;
let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await inst?.running.shutdown();
  await tdb?.close();
  tdb = inst = null;
  clients = [];
});

async function start(limits: { event: number; connection: number; process: number }): Promise<Instance> {
  tdb = await freshDb();
  inst = await startInstance(tdb.db, {
    AXME_SUBSCRIPTION_MAX_EVENT_BYTES: String(limits.event),
    AXME_SUBSCRIPTION_CONNECTION_BYTES: String(limits.connection),
    AXME_SUBSCRIPTION_PROCESS_BYTES: String(limits.process),
    AXME_RATE_LIMIT: '0',
  });
  return inst;
}

const ws = () => {
  const c = wsClient(inst!.wsUrl);
  clients.push(c);
  return c;
};
const submit = async (type: string, input: unknown) => {
  const r = await post(inst!.url, `mutation($t: String!, $i: JSON) { submitIntent(input: { type: $t, input: $i }) { id } }`, { t: type, i: input });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.submitIntent.id as string;
};
const cursorOf = async (id: string) =>
  (await post(inst!.url, `query($id: ID!) { intentEvents(intentId: $id) { cursor } }`, { id })).data.intentEvents[0].cursor as string;

it('results wait for the process budget when every connection together holds it, and all arrive in order; written bytes are given back', async () => {
  await start({ event: 64 * KiB, connection: 128 * KiB, process: 128 * KiB });
  // eight subscribers of ~40 KB results: one event is 320 KB on its way out, more than the process may hold
  const query = `subscription { intentEvents(filter: { types: ["budget.wait"] }) { intentId intent { input } } }`;
  const readers = [
    ...Array.from({ length: 6 }, () => wsSubscribe(ws(), query)),
    sseSubscribe(inst!.url, query),
    sseSubscribe(inst!.url, query),
  ];
  await until(() => inst!.app.live.openCount === readers.length, 10_000, 'subscriptions');
  const ids = [];
  for (let n = 0; n < 12; n++) ids.push(await submit('budget.wait', { n, text: 'w'.repeat(40_000) }));
  for (const reader of readers) {
    const got = [];
    for (let n = 0; n < ids.length; n++) got.push((await reader.next()).data.intentEvents);
    expect(got.map((e) => [e.intentId, e.intent.input.n])).toEqual(ids.map((id, n) => [id, n]));
  }
  const budget = inst!.app.delivery;
  // it was full (so later results waited for their turn), and only the last admission may pass it, by one result
  expect(budget.peak).toBeGreaterThanOrEqual(budget.limit);
  expect(budget.peak).toBeLessThan(budget.limit + 64 * KiB);
  // what was written is given back while the streams stay open: idle subscribers hold nothing
  await until(() => budget.used === 0, 10_000, 'every written byte to be given back');
  await Promise.all(readers.map((r) => r.close()));
});

it('an oversize result becomes a PAYLOAD_TOO_LARGE error naming its event, over graphql-ws and SSE, and the stream goes on', async () => {
  await start({ event: 64 * KiB, connection: 128 * KiB, process: 1024 * KiB });
  // the input selected three times is ~120 KB of result; alone it would fit
  const query = `subscription { intentEvents(filter: { types: ["budget.big"] }) { intentId a: intent { input } b: intent { input } c: intent { input } } }`;
  const readers = [wsSubscribe(ws(), query), sseSubscribe(inst!.url, query)];
  await until(() => inst!.app.live.openCount === readers.length, 10_000, 'subscriptions');
  const big = await submit('budget.big', { text: 'b'.repeat(40_000) });
  const small = await submit('budget.big', { text: 'small' });
  const cursor = await cursorOf(big);
  for (const reader of readers) {
    const refused = await reader.next();
    expect(refused.data).toBeNull();
    expect(refused.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', cursor, intentId: big, seq: 1, limit: 64 * KiB });
    expect(refused.errors[0].extensions.bytes).toBeGreaterThan(120_000);
    const next = await reader.next();
    expect(next.data.intentEvents).toMatchObject({ intentId: small, a: { input: { text: 'small' } } });
  }
  await Promise.all(readers.map((r) => r.close()));
});

it('closes a socket that stops reading with 4429 once it holds more than its budget, and gives its bytes back', async () => {
  await start({ event: 1024 * KiB, connection: 2048 * KiB, process: 64 * 1024 * KiB });
  const socket = new WebSocket(inst!.wsUrl, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  let acked = false;
  socket.on('message', (data) => {
    if (JSON.parse(String(data)).type === 'connection_ack') acked = true;
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  await until(() => acked, 10_000, 'connection_ack');
  const query = `subscription { intentEvents(filter: { types: ["budget.slow"] }) { intent { input } } }`;
  for (let i = 0; i < 10; i++) socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
  await until(() => inst!.app.live.openCount === 10, 10_000, 'subscriptions');
  // stop reading: the kernel's buffers fill, then writes stop completing and the socket holds its results
  (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  const cutOffs = async () => Number(/^axme_subscription_cutoffs_total\{reason="connection_bytes"\} (\d+)/m.exec(await (await fetch(`${inst!.url.replace('/graphql', '')}/metrics`)).text())?.[1] ?? 0);
  const before = await cutOffs();
  for (let n = 0; n < 40 && (await cutOffs()) === before; n++) await submit('budget.slow', { n, text: 's'.repeat(500_000) });
  expect(await cutOffs()).toBe(before + 1);
  // reading again, it gets what was written and then the close frame
  (socket as unknown as { _socket: { resume(): void } })._socket.resume();
  expect(await closed).toMatchObject({ code: 4429, reason: expect.stringMatching(/^RATE_LIMITED/) });
  await until(() => inst!.app.delivery.used === 0, 10_000, 'the closed socket’s bytes to be given back');
});

it('documents its defaults and refuses limits that contradict each other at start-up', () => {
  const c = loadConfig({});
  expect([c.subscriptionMaxEventBytes, c.subscriptionConnectionBytes, c.subscriptionProcessBytes]).toEqual([8 * 1024 * KiB, 16 * 1024 * KiB, 256 * 1024 * KiB]);
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  // an SSE response holds the result being written and the next
  expect(problems({ AXME_SUBSCRIPTION_CONNECTION_BYTES: String(12 * 1024 * KiB) })).toEqual([
    'AXME_SUBSCRIPTION_CONNECTION_BYTES must be at least twice AXME_SUBSCRIPTION_MAX_EVENT_BYTES',
  ]);
  expect(problems({ AXME_SUBSCRIPTION_PROCESS_BYTES: String(8 * 1024 * KiB) })).toEqual([
    'AXME_SUBSCRIPTION_CONNECTION_BYTES must not exceed AXME_SUBSCRIPTION_PROCESS_BYTES',
  ]);
});
