import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, sseSubscribe, startInstance, until, wsClient, wsSubscribe } from './helpers/live.ts';

let tdb: TestDb;
let srv: Instance | null;
let clients: Client[] = [];
beforeEach(async () => {
  tdb = await freshDb();
  srv = await startInstance(tdb.db, { AXME_SUBSCRIPTION_BUFFER: '5' });
  clients = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await srv?.running.shutdown();
  await tdb.close();
});
const ws = () => {
  const c = wsClient(srv!.wsUrl);
  clients.push(c);
  return c;
};

const EVENTS = `subscription($f: IntentEventFilter, $after: String) {
  intentEvents(filter: $f, after: $after) { cursor seq kind status intentId intent { id type } }
}`;
const gql = async (query: string, variables?: unknown) => {
  const r = await post(srv!.url, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as any;
};
const submit = async (type = 'demo', input: unknown = {}) =>
  (await gql(`mutation($t: String!, $i: JSON) { submitIntent(input: { type: $t, input: $i }) { id } }`, { t: type, i: input })).submitIntent.id as string;
const claim = async (type = 'demo') =>
  (await gql(`mutation($t: String!) { claimIntent(input: { types: [$t] }) { token intent { id } } }`, { t: type })).claimIntent as { token: string; intent: { id: string } };
const checkpoint = (id: string, token: string, n: number) =>
  gql(`mutation($id: ID!, $tok: ID!, $c: JSON!) { checkpointIntent(input: { id: $id, leaseToken: $tok, checkpoint: $c }) { id } }`, { id, tok: token, c: { n } });
const complete = (id: string, token: string) =>
  gql(`mutation($id: ID!, $tok: ID!) { completeIntent(input: { id: $id, leaseToken: $tok, output: { ok: true } }) { id } }`, { id, tok: token });
const queryEvents = async (id: string) =>
  (await gql(`query($id: ID!) { intentEvents(intentId: $id) { cursor seq kind } }`, { id })).intentEvents as { cursor: string; seq: number; kind: string }[];

it('streams an intent’s events in order over graphql-ws and over SSE, with the same cursors the query shows', async () => {
  const id = await submit();
  const [first] = await queryEvents(id);
  const sub = wsSubscribe(ws(), EVENTS, { f: { intentId: id }, after: first!.cursor });
  const sse = sseSubscribe(srv!.url, EVENTS, { f: { intentId: id }, after: first!.cursor });
  const { token } = await claim();
  await checkpoint(id, token, 1);
  await complete(id, token);
  const stored = await queryEvents(id);
  for (const reader of [sub, sse]) {
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await reader.next()).data.intentEvents);
    expect(got.map((e) => [e.seq, e.kind, e.status])).toEqual([[2, 'CLAIMED', 'RUNNING'], [3, 'CHECKPOINTED', 'RUNNING'], [4, 'COMPLETED', 'COMPLETED']]);
    expect(got.map((e) => e.cursor)).toEqual(stored.slice(1).map((e) => e.cursor));
    expect(got[0].intent).toEqual({ id, type: 'demo' });
  }
  await sub.close();
  await sse.close();
});

it('resumes after a disconnect with exactly what the subscriber missed, filtered by type across intents', async () => {
  await submit('other');
  const a = await submit('watched');
  const sub1 = wsSubscribe(ws(), EVENTS, { f: { types: ['watched'] }, after: (await queryEvents(a))[0]!.cursor });
  const b = await submit('watched');
  const seen1 = (await sub1.next()).data.intentEvents;
  expect([seen1.intentId, seen1.kind]).toEqual([b, 'SUBMITTED']);
  await sub1.close();

  // while away: changes to watched and unwatched intents
  const la = await claim('watched');
  await checkpoint(la.intent.id, la.token, 1);
  await submit('other');
  const lb = await claim('watched');
  await complete(lb.intent.id, lb.token);

  const sub2 = wsSubscribe(ws(), EVENTS, { f: { types: ['watched'] }, after: seen1.cursor });
  const missed = [];
  for (let i = 0; i < 4; i++) missed.push((await sub2.next()).data.intentEvents);
  expect(missed.map((e) => [e.intentId, e.kind])).toEqual([
    [la.intent.id, 'CLAIMED'], [la.intent.id, 'CHECKPOINTED'], [lb.intent.id, 'CLAIMED'], [lb.intent.id, 'COMPLETED'],
  ]);
  // and then live, from the seam on, with nothing repeated
  await complete(la.intent.id, la.token);
  const next = (await sub2.next()).data.intentEvents;
  expect([next.intentId, next.kind, next.seq]).toEqual([la.intent.id, 'COMPLETED', 4]);
  await sub2.close();
});

it('intentChanged sends the state at once, then live progress (stored on the intent, not in the log) and transitions', async () => {
  const id = await submit();
  const { token } = await claim();
  const sub = wsSubscribe(ws(), `subscription($id: ID!) { intentChanged(id: $id) { status lastSeq progress } }`, { id });
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'RUNNING', lastSeq: 2, progress: null });
  const report = (p: unknown) =>
    gql(`mutation($id: ID!, $tok: ID!, $p: JSON!) { reportProgress(input: { id: $id, leaseToken: $tok, progress: $p }) { progress } }`, { id, tok: token, p });
  expect((await report({ text: 'Hel' })).reportProgress).toEqual({ progress: { text: 'Hel' } });
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'RUNNING', lastSeq: 2, progress: { text: 'Hel' } });
  await report({ text: 'Hello' });
  // watchers get the latest value; intermediate ones may be skipped, the last one never
  let state;
  do state = (await sub.next()).data.intentChanged;
  while (state.progress.text !== 'Hello');
  await complete(id, token);
  expect((await sub.next()).data.intentChanged).toMatchObject({ status: 'COMPLETED', lastSeq: 3 });
  expect((await queryEvents(id)).map((e) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'COMPLETED']);
  expect((await gql(`query($id: ID!) { intent(id: $id) { progress } }`, { id })).intent.progress).toEqual({ text: 'Hello' });
  await sub.close();

  const late = await post(srv!.url, `mutation($id: ID!, $tok: ID!) { reportProgress(input: { id: $id, leaseToken: $tok, progress: 1 }) { id } }`, { id, tok: token });
  expect(late.errors![0].extensions.code).toBe('CONFLICT');
});

it('intentChanged with statuses hears of a finish in a batch too large to list its changes (it re-reads once the poll comes)', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 70; i++) ids.push(await submit('batch'));
  const leases = (await gql(`mutation { claimIntents(input: { types: ["batch"], limit: 70 }) { token intent { id } } }`)).claimIntents as { token: string; intent: { id: string } }[];
  expect(leases).toHaveLength(70);
  const watched = leases[0]!.intent.id; // not the batch's last change, so the message names it nowhere
  const sub = wsSubscribe(ws(), `subscription($id: ID!) { intentChanged(id: $id, statuses: [COMPLETED]) { status } }`, { id: watched });
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'RUNNING' });
  const items = leases.map((l) => ({ id: l.intent.id, leaseToken: l.token, output: 1 }));
  const done = await gql(`mutation($items: [CompleteIntentInput!]!) { completeIntents(input: { items: $items }) { intent { status } } }`, { items });
  expect(done.completeIntents.every((r: { intent: { status: string } }) => r.intent.status === 'COMPLETED')).toBe(true);
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'COMPLETED' });
  await sub.close();
});

it('refuses bad cursors and unknown intents with coded errors', async () => {
  const sse = sseSubscribe(srv!.url, EVENTS, { after: 'not-a-cursor' });
  expect((await sse.next()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  await sse.close();
  const sub = wsSubscribe(ws(), EVENTS, { f: { intentId: '00000000-0000-7000-8000-000000000000' } });
  expect((await sub.next()).errors[0].extensions.code).toBe('NOT_FOUND');
});

it('intentChanged of an unknown intent answers NOT_FOUND and leaves no subscription open; a known one starts with the state read once', async () => {
  const sub = wsSubscribe(ws(), `subscription($id: ID!) { intentChanged(id: $id) { status } }`, { id: '00000000-0000-7000-8000-000000000000' });
  expect((await sub.next()).errors[0].extensions.code).toBe('NOT_FOUND');
  expect(srv!.app.live.openCount).toBe(0);
  // a change committed right after subscribing is never lost between the first read and listening
  const id = await submit();
  const watch = wsSubscribe(ws(), `subscription($id: ID!) { intentChanged(id: $id) { status lastSeq } }`, { id });
  const { token } = await claim();
  let state;
  do state = (await watch.next()).data.intentChanged;
  while (state.status !== 'RUNNING');
  expect(state).toEqual({ status: 'RUNNING', lastSeq: 2 });
  await complete(id, token);
  expect((await watch.next()).data.intentChanged).toEqual({ status: 'COMPLETED', lastSeq: 3 });
  await watch.close();
  await until(() => srv!.app.live.openCount === 0, 5_000, 'the watch closing');
});

it('intentChanged with statuses sends the state at once, then only states in those statuses (no message per step or progress)', async () => {
  const id = await submit();
  const sub = wsSubscribe(ws(), `subscription($id: ID!) { intentChanged(id: $id, statuses: [COMPLETED, FAILED, CANCELLED]) { status lastSeq } }`, { id });
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'PENDING', lastSeq: 1 });
  const { token } = await claim();
  for (let n = 1; n <= 3; n++) await checkpoint(id, token, n);
  await gql(`mutation($id: ID!, $tok: ID!) { reportProgress(input: { id: $id, leaseToken: $tok, progress: 1 }) { id } }`, { id, tok: token });
  await complete(id, token);
  // the next message is the finished state: the claim, checkpoints and progress in between sent nothing
  expect((await sub.next()).data.intentChanged).toEqual({ status: 'COMPLETED', lastSeq: 6 });
  await sub.close();
});

it('cuts off a consumer that falls behind its buffer with RATE_LIMITED and the cursor to resume from', async () => {
  const id = await submit();
  const caller = { namespace: 'default', principal: null };
  const [first] = await queryEvents(id);
  const slow = await srv!.app.live.events(caller, null, first!.cursor);
  const fast = await srv!.app.live.events(caller, null, first!.cursor);
  const { token } = await claim();
  for (let n = 1; n <= 8; n++) await checkpoint(id, token, n);
  // the fast reader seeing the last event means the feed handed every batch to both
  for (let seen = 0; seen < 9; seen++) await fast.next();
  await fast.return();
  const end = (await slow.next()).value;
  expect(end.error.code).toBe('RATE_LIMITED');
  expect(end.error.details).toMatchObject({ reason: 'SLOW_CONSUMER', cursor: first!.cursor });
  expect((await slow.next()).done).toBe(true);
});

it('graceful shutdown completes SSE streams and closes WebSockets with 1001', async () => {
  const id = await submit();
  const client = ws();
  const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
  const after = (await queryEvents(id))[0]!.cursor;
  const sub = wsSubscribe(client, EVENTS, { f: { intentId: id }, after });
  const sse = sseSubscribe(srv!.url, EVENTS, { f: { intentId: id }, after });
  await claim();
  expect((await sub.next()).data.intentEvents.kind).toBe('CLAIMED');
  expect((await sse.next()).data.intentEvents.kind).toBe('CLAIMED');
  await until(() => srv!.running.server.listening);
  const stopping = srv!.running.shutdown();
  expect(await sse.next()).toBeNull();
  expect(await closed).toBe(1001);
  await stopping;
  srv = null;
  await sse.close();
});
