import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, startInstance, wsClient, wsSubscribe, type Instance } from './helpers/live.ts';

let tdb: TestDb | null = null;
let inst: Instance | null = null;
afterEach(async () => {
  await inst?.running.shutdown();
  await tdb?.close();
  inst = tdb = null;
});

it('subscribe and unsubscribe cycles on one socket do not pile up close listeners', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db);
  const warnings: string[] = [];
  const onWarn = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarn);
  try {
    const id = (await post(inst.url, `mutation { submitIntent(input: { type: "ws.t" }) { id } }`)).data.submitIntent.id;
    const client = wsClient(inst.wsUrl);
    for (let i = 0; i < 15; i++) {
      const sub = wsSubscribe(client, `subscription($id: ID!) { intentChanged(id: $id) { id } }`, { id });
      expect((await sub.next()).data.intentChanged.id).toBe(id);
      await sub.close();
    }
    await client.dispose();
    // warnings are emitted on the next tick
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  } finally {
    process.off('warning', onWarn);
  }
});

it('accepts the key as connectionParams.apiKey as well as authorization', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db, { AXME_AUTH: 'on' });
  const { secret } = await inst.app.keys.create({ namespace: 'default', name: 'ws', role: 'viewer' });
  for (const params of [{ apiKey: secret }, { authorization: `Bearer ${secret}` }]) {
    const client = wsClient(inst.wsUrl, params);
    const sub = wsSubscribe(client, `subscription { intentChanged(id: "01900000-0000-7000-8000-000000000000") { id } }`);
    // connected and authenticated: the subscription itself answers NOT_FOUND
    const r = await sub.next().catch((errors: { extensions?: { code?: string } }[]) => ({ errors }));
    expect(r.errors[0].extensions.code).toBe('NOT_FOUND');
    await sub.close();
    await client.dispose();
  }
});

it('sends each shared result as graphql-ws would, whatever the subscription ids and the data hold', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db);
  // ids and data that contain what the shared-payload splice looks for (graphql/ws-send.ts)
  const mark = '\u0000axme-payload';
  const ids = ['1', `x","type":"next","payload":{"${mark}":0}}`, `{"${mark}":1}`];
  const socket = new WebSocket(inst.wsUrl, 'graphql-transport-ws');
  const messages: { id?: string; type: string; payload?: any }[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((r) => setTimeout(r, 10));
  const query = `subscription($f: IntentEventFilter) { intentEvents(filter: $f) { kind intent { input } } }`;
  for (const id of ids) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables: { f: { types: ['ws.splice'] } } } }));
  while (inst.app.live.openCount < ids.length) await new Promise((r) => setTimeout(r, 10));
  // (PostgreSQL's jsonb refuses \u0000, so stored data can only come close)
  const input = { 'axme-payload': 2, text: `,"type":"next","payload":{"axme-payload":3}}` };
  await post(inst.url, `mutation($i: JSON) { submitIntent(input: { type: "ws.splice", input: $i }) { id } }`, { i: input });
  while (messages.filter((m) => m.type === 'next').length < ids.length) await new Promise((r) => setTimeout(r, 10));
  const next = messages.filter((m) => m.type === 'next');
  expect(next.map((m) => m.id).sort()).toEqual([...ids].sort());
  for (const m of next) expect(m.payload).toEqual({ data: { intentEvents: { kind: 'SUBMITTED', intent: { input } } } });
  // a query over the socket goes through the same send
  socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: `{ intents(first: 1) { edges { node { input } } } }` } }));
  while (!messages.some((m) => m.id === 'q' && m.type === 'next')) await new Promise((r) => setTimeout(r, 10));
  expect(messages.find((m) => m.id === 'q')!.payload).toEqual({ data: { intents: { edges: [{ node: { input } }] } } });
  socket.close();
});
