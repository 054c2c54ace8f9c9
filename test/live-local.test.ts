/**
 * intentChanged(statuses:) (what result() subscribes to) hands out a change this
 * instance committed with the row the write returned: no read of the intent after a
 * run finishes here. Changes made elsewhere come only as messages and are read, and
 * no state ever comes after a newer one.
 */
import { afterEach, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import type { Caller } from '../src/core/caller.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Status } from '../src/core/lifecycle.ts';
import { createLogger } from '../src/core/log.ts';
import type { Intent } from '../src/core/model.ts';
import type { Db } from '../src/db/types.ts';
import type { IntentWatch } from '../src/live/intent-watch.ts';
import { LocalChanges } from '../src/pubsub/local-changes.ts';
import { type PubSub, channels, changesOf, eventsMessage, listedChange } from '../src/pubsub/types.ts';
import { createServices } from '../src/services/index.ts';
import type { Change } from '../src/store/events.ts';
import { freshDb, REAL_PG, type TestDb } from './helpers/db.ts';
import { type Instance, post, startInstance, until } from './helpers/live.ts';
import { spying } from './helpers/recording.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GET = 'select * from intents where namespace = $1 and id = $2';
const FINISHED: Status[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
const caller: Caller = { namespace: 'default', principal: null };

/** The database, with every read of one intent's row (getIntent) noted by intent id. */
function countingReads(db: Db, reads: string[]): Db {
  return spying(db, (q) => (sql, params) => {
    if (sql === GET) reads.push(String(params?.[1]));
    return q.query(sql, params);
  });
}

async function setup(): Promise<{ tdb: TestDb; srv: Instance; reads: string[]; clock: ManualClock }> {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const reads: string[] = [];
  const clock = new ManualClock(new Date());
  // polls far apart, so a read that happens is one a message or a write asked for
  const srv = await startInstance(countingReads(tdb.db, reads), { AXME_SUBSCRIPTION_POLL_MS: '60000' }, undefined, clock);
  cleanups.push(() => srv.running.shutdown());
  return { tdb, srv, reads, clock };
}

const gql = async (srv: Instance, query: string, variables?: unknown) => {
  const r = await post(srv.url, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as any;
};
const claim = async (srv: Instance, type: string) =>
  (await gql(srv, `mutation($t: String!) { claimIntent(input: { types: [$t] }) { token intent { id } } }`, { t: type })).claimIntent as { token: string; intent: { id: string } };
const complete = (srv: Instance, id: string, token: string) =>
  gql(srv, `mutation($id: ID!, $tok: ID!) { completeIntent(input: { id: $id, leaseToken: $tok, output: { ok: true } }) { id } }`, { id, tok: token });

/** What the watch hands out next, or 'nothing' if it has nothing within `ms`. */
async function nextWithin(watch: IntentWatch, ms: number): Promise<Intent | 'nothing'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = watch.next();
  const r = await Promise.race([pending, new Promise<'nothing'>((resolve) => (timer = setTimeout(() => resolve('nothing'), ms)))]);
  clearTimeout(timer);
  // when nothing came, the call stays pending until the watch ends (cleanup)
  return r === 'nothing' ? r : (r.value as Intent);
}

it('result() of a run completed on this instance gets the finished state, with no read of the intent after the first', async () => {
  const { srv, reads } = await setup();
  const client = createClient({ url: srv.url });
  cleanups.push(() => client.close());
  const { id } = await client.submit({ type: 'local.run', input: { n: 1 } });
  const result = client.result(id);
  // subscribed and listening: its one first read is done
  await until(() => srv.app.local.size === 1 && reads.includes(id), 10_000, 'the subscription');
  expect(reads.filter((r) => r === id)).toHaveLength(1);
  const { token } = await claim(srv, 'local.run');
  await complete(srv, id, token);
  const done = await result;
  expect(done).toMatchObject({ id, status: 'COMPLETED', output: { ok: true }, lastSeq: 3 });
  // the claim and the completion each hand the watch their row; neither costs a read
  expect(reads.filter((r) => r === id)).toHaveLength(1);
  // one registry entry per open watch, gone with it
  await until(() => srv.app.local.size === 0, 10_000, 'the watch to stop listening');
  // subscribed after the change: its first read has it
  expect(await client.result(id)).toMatchObject({ id, status: 'COMPLETED', lastSeq: 3 });
  expect(reads.filter((r) => r === id)).toHaveLength(2);
});

it('hands out only the newest state committed here, never an older one after it (seqs only grow), and the messages that follow read nothing', async () => {
  const { srv, reads } = await setup();
  const { app } = srv;
  const id = (await app.services.intents.submit(caller, { type: 'local.order' })).id;
  const watch = await app.live.intentChanged(caller, id, ['RUNNING', 'COMPLETED']);
  cleanups.push(() => watch.end());
  expect(((await watch.next()).value as Intent).status).toBe('PENDING');
  const lease = (await app.services.intents.claim(caller, { types: ['local.order'], leaseSeconds: 60 }))!;
  await app.services.intents.complete(caller, id, lease.token, { ok: 1 });
  // the claim's change announced again, late (two writes may announce out of commit order): by this process, then by message
  const late: Change = { intent: lease.intent, event: { seq: lease.intent.lastSeq, status: lease.intent.status } as Change['event'] };
  app.local.emit([late]);
  app.pubsub.publish(channels.events('default'), eventsMessage(`${id}:2`, [listedChange(id, { status: 'RUNNING', seq: 2 })]));
  // the client was slow: all this came while it did not ask, and only the latest state is handed out
  expect((await watch.next()).value).toMatchObject({ status: 'COMPLETED', lastSeq: 3 });
  app.local.emit([late]);
  expect(await nextWithin(watch, 300)).toBe('nothing');
  expect(reads.filter((r) => r === id)).toHaveLength(1);
});

it('progress still reaches a watch of RUNNING (read), between states committed here (not read)', async () => {
  const { srv, reads } = await setup();
  const { app } = srv;
  const id = (await app.services.intents.submit(caller, { type: 'local.progress' })).id;
  const watch = await app.live.intentChanged(caller, id, ['RUNNING', 'COMPLETED']);
  cleanups.push(() => watch.end());
  await watch.next();
  const lease = (await app.services.intents.claim(caller, { types: ['local.progress'], leaseSeconds: 60 }))!;
  expect((await watch.next()).value).toMatchObject({ status: 'RUNNING', lastSeq: 2, progress: null });
  expect(reads.filter((r) => r === id)).toHaveLength(1);
  await app.live.reportProgress(caller, id, lease.token, { pct: 50 });
  expect((await watch.next()).value).toMatchObject({ status: 'RUNNING', lastSeq: 2, progress: { pct: 50 } });
  expect(reads.filter((r) => r === id)).toHaveLength(2);
  await app.services.intents.complete(caller, id, lease.token, 'done');
  expect((await watch.next()).value).toMatchObject({ status: 'COMPLETED', lastSeq: 3 });
  expect(reads.filter((r) => r === id)).toHaveLength(2);
});

it('a change made by another instance (its message only) is read, whether its message lists seqs or comes from a version that lists none', async () => {
  const { tdb, srv, reads, clock } = await setup();
  const { app } = srv;
  // another instance on the same database and pub/sub: its own watches, so its changes reach this one only as messages
  const instance = (pubsub: PubSub) =>
    createServices({ db: REAL_PG ? tdb.another() : tdb.db, clock, pubsub, local: new LocalChanges(), config: app.config, log: createLogger('silent') });
  const other = instance(app.pubsub);
  cleanups.push(() => other.close());
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) ids.push((await app.services.intents.submit(caller, { type: 'local.remote' })).id);
  const watches = new Map<string, IntentWatch>();
  for (const id of ids) {
    const w = await app.live.intentChanged(caller, id, FINISHED);
    cleanups.push(() => w.end());
    await w.next();
    watches.set(id, w);
  }
  const l1 = (await other.intents.claim(caller, { types: ['local.remote'], leaseSeconds: 60 }))!;
  const byMessage = l1.intent.id;
  const byOldMessage = ids.find((id) => id !== byMessage)!;
  await other.intents.complete(caller, byMessage, l1.token, 1);
  expect((await watches.get(byMessage)!.next()).value).toMatchObject({ id: byMessage, status: 'COMPLETED', lastSeq: 3 });
  expect(reads.filter((r) => r === byMessage)).toHaveLength(2);

  // an instance of the version before seqs: its message names the status only
  const silent = instance({ publish: () => {}, subscribe: () => () => {}, close: async () => {} });
  cleanups.push(() => silent.close());
  const l2 = (await silent.intents.claim(caller, { types: ['local.remote'], leaseSeconds: 60 }))!;
  await silent.intents.complete(caller, byOldMessage, l2.token, 2);
  app.pubsub.publish(channels.events('default'), `${byOldMessage}:3 ${byOldMessage}=COMPLETED`);
  expect((await watches.get(byOldMessage)!.next()).value).toMatchObject({ id: byOldMessage, status: 'COMPLETED', lastSeq: 3 });
  expect(reads.filter((r) => r === byOldMessage)).toHaveLength(2);
});

it('events messages list each change’s seq in a form an instance of the version before still reads its statuses from', () => {
  const message = eventsMessage('b:7', [listedChange('a', { status: 'RUNNING', seq: 2 }), listedChange('b', { status: 'COMPLETED', seq: 7 })]);
  expect(changesOf(message, 'b')).toEqual([{ status: 'COMPLETED', seq: 7 }]);
  expect(changesOf(message, 'a')).toEqual([{ status: 'RUNNING', seq: 2 }]);
  expect(changesOf(message, 'c')).toEqual([]);
  expect(changesOf('b:7', 'b')).toBeNull();
  // the form without seqs still reads, with none
  expect(changesOf('b:7 a=RUNNING,b=COMPLETED', 'b')).toEqual([{ status: 'COMPLETED', seq: null }]);
  // how the version before read a message (its changesOf): the statuses it waits for are all there, and '@7' is none of them
  const before = (m: string, id: string) => m.slice(m.indexOf(' ') + 1).split(',').filter((c) => c.slice(0, c.indexOf('=')) === id).map((c) => c.slice(c.indexOf('=') + 1));
  expect(before(message, 'b')).toEqual(['COMPLETED', '@7']);
  expect(before(message, 'a')).toEqual(['RUNNING', '@2']);
});

it('LocalChanges hands each change (and those made alongside it) to the listeners of its intent, and forgets a listener that stopped', () => {
  const local = new LocalChanges();
  const heard: string[] = [];
  const change = (namespace: string, id: string, lastSeq: number, also?: Change[]): Change =>
    ({ intent: { namespace, id, lastSeq } as Intent, event: {} as Change['event'], ...(also ? { also } : {}) });
  const stop = local.listen('ns', 'child', (i) => heard.push(`${i.id}@${i.lastSeq}`));
  local.listen('ns', 'broken', () => {
    throw new Error('a listener that throws');
  });
  local.emit([change('ns', 'parent', 4, [change('ns', 'broken', 2), change('ns', 'child', 3)]), change('other', 'child', 9)]);
  expect(heard).toEqual(['child@3']);
  expect(local.size).toBe(2);
  stop();
  expect(local.size).toBe(1);
  local.emit([change('ns', 'child', 4)]);
  expect(heard).toEqual(['child@3']);
});

it('execute() (submitIntent with waitSeconds) of a run completed on this instance reads the intent not once', async () => {
  const { srv, reads } = await setup();
  const axme = createClient({ url: srv.url });
  const w = axme.worker({ types: ['local.exec'], session: false, waitSeconds: 1, onError: () => {} }, async (run) => {
    await run.step('a', () => 1);
    return run.step('b', () => 2, { last: true });
  });
  cleanups.push(() => w.stop(), () => axme.close());
  for (let i = 0; i < 3; i++) expect(await axme.execute({ type: 'local.exec' })).toMatchObject({ status: 'COMPLETED', output: 2 });
  // the watch starts from the submit's own answer and hears the rest from the writes
  expect(reads).toEqual([]);
  // an idempotency key that answers an earlier, unfinished intent: read once after listening
  const SUBMIT = `mutation($w: Int) { submitIntent(input: { type: "local.idle", idempotencyKey: "k1" }, waitSeconds: $w) { id status } }`;
  const first = (await gql(srv, SUBMIT, { w: 0 })).submitIntent;
  const again = (await gql(srv, SUBMIT, { w: 1 })).submitIntent;
  expect(again).toEqual({ id: first.id, status: 'PENDING' });
  expect(reads).toEqual([first.id]);
});
