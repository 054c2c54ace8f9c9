// Queries and mutations over graphql-ws end their waits when the client completes them, as an
// HTTP request's do when its connection closes: a long poll stops and leases nothing, a held
// submit lets go of its wait. graphql-ws itself ends only subscriptions on a `complete`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { post, until, wsClient } from './helpers/live.ts';
import { useServed, type Served } from './helpers/served.ts';

let s: Served;
useServed({ AXME_MAX_WAIT_SECONDS: '30' }, (served) => (s = served));
let ws: Client;
beforeAll(() => void (ws = wsClient(s.server.url.replace(/^http/, 'ws'))));
afterAll(() => ws.dispose());

const openWaits = async () => {
  const text = await (await fetch(s.server.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^axme_subscriptions_open (\d+)/m.exec(text)?.[1] ?? NaN);
};

it("ends a long poll when the client completes it, so the intent submitted next is not leased to it", async () => {
  const type = `ws.poll.${Date.now()}`;
  let answered = false;
  const stop = ws.subscribe(
    { query: 'mutation($input: ClaimIntentsInput!) { claimIntents(input: $input) { token intent { id } } }', variables: { input: { types: [type], limit: 1, waitSeconds: 20 } } },
    { next: () => void (answered = true), error: () => {}, complete: () => {} },
  );
  // parked: give the server time to take the poll and start waiting
  await new Promise((r) => setTimeout(r, 300));
  stop();
  await new Promise((r) => setTimeout(r, 300));
  const submitted = await post(s.server.url, 'mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id status } }', { input: { type } });
  expect(submitted.data.submitIntent.status).toBe('PENDING');
  await new Promise((r) => setTimeout(r, 500));
  const now = await post(s.server.url, 'query($id: ID!) { intent(id: $id) { status attempt } }', { id: submitted.data.submitIntent.id });
  expect(now.data.intent).toEqual({ status: 'PENDING', attempt: 0 });
  expect(answered).toBe(false);
});

it('lets go of a held submit when the client completes it', async () => {
  const before = await openWaits();
  const stop = ws.subscribe(
    { query: 'mutation($input: SubmitIntentInput!) { submitIntent(input: $input, waitSeconds: 30) { id status } }', variables: { input: { type: `ws.held.${Date.now()}` } } },
    { next: () => {}, error: () => {}, complete: () => {} },
  );
  await until(async () => (await openWaits()) === before + 1, 5_000, 'the submit held');
  stop();
  await until(async () => (await openWaits()) === before, 5_000, 'the held submit let go');
});

it('shrugs off hostile complete messages for a running operation: the server answers on, the operation still ends', async () => {
  const { WebSocket: RawSocket } = await import('ws');
  const raw = new RawSocket(s.server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise((resolve, reject) => raw.once('open', resolve).once('error', reject));
  const messages: { type: string; id?: string }[] = [];
  raw.on('message', (d) => messages.push(JSON.parse(String(d))));
  raw.send(JSON.stringify({ type: 'connection_init' }));
  await until(() => messages.some((m) => m.type === 'connection_ack'), 5_000, 'the ack');
  const type = `ws.hostile.${Date.now()}`;
  const poll = { query: 'mutation($input: ClaimIntentsInput!) { claimIntents(input: $input) { token } }', variables: { input: { types: [type], limit: 1, waitSeconds: 2 } } };
  raw.send(JSON.stringify({ id: 'p1', type: 'subscribe', payload: poll }));
  // in the same write as the subscribe, and after it: ids that are not strings, a binary frame, a huge one
  raw.send(JSON.stringify({ type: 'complete', id: { toString: 0 } }));
  raw.send(JSON.stringify({ type: 'complete', id: ['p1'] }));
  raw.send(Buffer.from(JSON.stringify({ type: 'complete', id: 'nope' })), { binary: true });
  raw.send(JSON.stringify({ type: 'subscribe', id: 'big', payload: { query: '{ __typename }', variables: { note: '"complete"', pad: 'x'.repeat(4096) } } }));
  raw.send(JSON.stringify({ type: 'complete', id: 'p1' }));
  // the server is up and answers others
  const alive = await post(s.server.url, '{ __typename }');
  expect(alive.data).toEqual({ __typename: 'Query' });
  // the poll was completed by the client (or its socket closed for the bad messages): its wait
  // ended, so an intent submitted now stays PENDING
  const submitted = await post(s.server.url, 'mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id } }', { input: { type } });
  await new Promise((r) => setTimeout(r, 300));
  const now = await post(s.server.url, 'query($id: ID!) { intent(id: $id) { status } }', { id: submitted.data.submitIntent.id });
  expect(now.data.intent.status).toBe('PENDING');
  raw.close();
});

it("sends a query's or mutation's result and its complete in one write, so the client wakes once for them", async () => {
  const { WebSocket: RawSocket } = await import('ws');
  // the server's end of the connection (the server runs in this process), its writes counted
  const accepted = new Promise<import('node:net').Socket>((resolve) => s.server.server.once('connection', resolve));
  const raw = new RawSocket(s.server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise((resolve, reject) => raw.once('open', resolve).once('error', reject));
  const serverEnd = (await accepted) as import('node:net').Socket & Record<'_write' | '_writev', (...args: unknown[]) => void>;
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const write = serverEnd[name].bind(serverEnd);
    serverEnd[name] = (...args: unknown[]) => (writes++, write(...args));
  }
  const messages: { type: string; id?: string }[] = [];
  raw.on('message', (d) => messages.push(JSON.parse(String(d))));
  raw.send(JSON.stringify({ type: 'connection_init' }));
  await until(() => messages.some((m) => m.type === 'connection_ack'), 5_000, 'the ack');
  const ops = [
    { query: '{ __typename }' },
    { query: 'mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id status } }', variables: { input: { type: `ws.one-write.${Date.now()}` } } },
  ];
  for (let i = 0; i < 4; i++) {
    messages.length = 0;
    writes = 0;
    raw.send(JSON.stringify({ id: `o${i}`, type: 'subscribe', payload: ops[i % 2] }));
    await until(() => messages.some((m) => m.type === 'complete'), 5_000, 'the complete');
    expect(messages.map((m) => `${m.type}:${m.id}`)).toEqual([`next:o${i}`, `complete:o${i}`]);
    expect(writes).toBe(1);
  }
  raw.close();
});
