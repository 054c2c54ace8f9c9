/**
 * Fan-out to many subscribers: one execution per event is shared by subscribers
 * of the same operation, namespace and role (graphql/plugins/shared-events.ts),
 * and the feed hands a batch out a slice of listeners per turn (live/feed.ts).
 * Neither may leak data across namespaces or cost a subscriber an event, a
 * duplicate, or its order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAxme, type Axme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { LiveService } from '../src/live/service.ts';
import type { EventStream } from '../src/live/event-stream.ts';
import { StreamEnd } from '../src/live/event-stream.ts';
import { ORIGIN, encodeCursor, positionOf, readRange } from '../src/store/stream.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, sseSubscribe, startInstance, wsClient, wsSubscribe } from './helpers/live.ts';

describe('over graphql-ws and SSE, with auth', () => {
  let tdb: TestDb;
  let inst: Instance;
  beforeAll(async () => {
    tdb = await freshDb();
    inst = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' });
  });
  afterAll(async () => {
    await inst.running.shutdown();
    await tdb.close();
  });

  const EVENTS = `subscription($f: IntentEventFilter) { intentEvents(filter: $f) { intentId kind intent { type input } } }`;

  it('subscribers of the same operation in two namespaces, and of two roles, each get only their own namespace’s events', async () => {
    const key = async (namespace: string, role: 'viewer' | 'admin') =>
      (await inst.app.keys.create({ namespace, name: `${namespace}-${role}`, role })).secret;
    const [aViewer, aAdmin, bViewer] = [await key('ns-a', 'viewer'), await key('ns-a', 'admin'), await key('ns-b', 'viewer')];
    const aAgent = await key('ns-a', 'admin');
    const bAgent = await key('ns-b', 'admin');
    const clients: ReturnType<typeof wsClient>[] = [];
    const ws = (secret: string) => {
      const c = wsClient(inst.wsUrl, { authorization: `Bearer ${secret}` });
      clients.push(c);
      return c;
    };
    const vars = { f: { types: ['shared.t'] } };
    // several subscriptions on one socket, so that they share results and writes
    const aSocket = ws(aViewer);
    const bSocket = ws(bViewer);
    const readers = {
      a: [wsSubscribe(aSocket, EVENTS, vars), wsSubscribe(aSocket, EVENTS, vars), wsSubscribe(ws(aViewer), EVENTS, vars), wsSubscribe(ws(aAdmin), EVENTS, vars),
        sseSubscribe(inst.url, EVENTS, vars, { authorization: `Bearer ${aViewer}` })],
      b: [wsSubscribe(bSocket, EVENTS, vars), wsSubscribe(bSocket, EVENTS, vars), sseSubscribe(inst.url, EVENTS, vars, { authorization: `Bearer ${bViewer}` })],
    };
    await until(async () => inst.app.live.openCount >= 8);

    const submit = async (secret: string, mark: string) =>
      (await post(inst.url, `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type: 'shared.t', input: { mark } } },
        { authorization: `Bearer ${secret}` })).data.submitIntent.id as string;
    const ids = { a: [] as string[], b: [] as string[] };
    // interleaved, so that a leak would show up as the other namespace's intent in the sequence
    ids.b.push(await submit(bAgent, 'B1'));
    ids.a.push(await submit(aAgent, 'A1'));
    ids.b.push(await submit(bAgent, 'B2'));
    ids.a.push(await submit(aAgent, 'A2'));

    for (const ns of ['a', 'b'] as const) {
      for (const reader of readers[ns]) {
        const got = [(await reader.next()).data.intentEvents, (await reader.next()).data.intentEvents];
        expect(got.map((e) => [e.intentId, e.kind, e.intent.input.mark])).toEqual(
          ids[ns].map((id, i) => [id, 'SUBMITTED', `${ns.toUpperCase()}${i + 1}`]),
        );
      }
    }
    await Promise.all([...readers.a, ...readers.b].map((r) => r.close()));
    await Promise.all(clients.map((c) => c.dispose()));
  });
});

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const giveUp = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const LISTENERS = 300;

it('with a batch handed out one listener per turn to hundreds, live and resuming subscribers each get every event once, in order', async () => {
  const tdb = await freshDb();
  const clock = new ManualClock(new Date());
  const config = loadConfig({ AXME_LOG_LEVEL: 'silent', AXME_SUBSCRIPTION_POLL_MS: '20' });
  const app: Axme = await createAxme(config, createLogger('silent'), { db: tdb.db, clock, startSweeper: false });
  const live = new LiveService(tdb.db, clock, app.pubsub, app.local, config, createLogger('silent'), { dispatchSlice: 1 });
  const caller = { namespace: 'default', principal: null };
  try {
    await app.services.intents.submit(caller, { type: 'fan' });
    const lease = (await app.services.intents.claim(caller, { types: ['fan'], leaseSeconds: 3600 }))!;
    const id = lease.intent.id;
    const readers: { name: string; after: string | null; seen: string[]; stream: EventStream }[] = [];
    const open = async (name: string, after: string | null) => {
      const stream = await live.events(caller, { intentId: id }, after);
      const r = { name, after, seen: [] as string[], stream };
      readers.push(r);
      void (async () => {
        for await (const item of stream) {
          if (item instanceof StreamEnd) throw item.error;
          r.seen.push(encodeCursor(positionOf(item)));
          // a subscriber that arrives while a batch is still being handed out, resuming from what this one saw
          if (name === 'live-4' && r.seen.length === 3) await open('joined-mid-batch', r.seen[0]!);
        }
      })();
      return r;
    };
    // enough listeners that handing out one batch takes longer than committing the next
    for (let i = 0; i < LISTENERS; i++) await open(`live-${i}`, null);
    // checkpoints in quick succession, so that batches hold several events and slices overlap new reads
    const claimed = await cursorOf(tdb, id, 1);
    for (let n = 0; n < 12; n++) {
      await app.services.intents.checkpoint(caller, id, lease.token, { n });
      if (n === 5) await open('resumed', claimed);
    }
    await app.services.intents.complete(caller, id, lease.token, { done: true });

    const stored = await cursorsOf(tdb, id);
    const expected = (r: (typeof readers)[number]) => (r.after ? stored.slice(stored.indexOf(r.after) + 1) : stored.slice(2));
    await until(async () => readers.length === LISTENERS + 2 && readers.every((r) => r.seen.length >= expected(r).length));
    for (const r of readers) expect({ name: r.name, seen: r.seen }).toEqual({ name: r.name, seen: expected(r) });
  } finally {
    live.close();
    await app.close();
    await tdb.close();
  }
});

async function cursorsOf(tdb: TestDb, intentId: string): Promise<string[]> {
  const all = { intentId, types: null, statuses: null, kinds: null, parentId: null };
  const end = { tx: '9223372036854775807', id: '9223372036854775807' };
  return (await readRange(tdb.db, 'default', all, ORIGIN, end, 1000)).map((e) => encodeCursor(positionOf(e)));
}

async function cursorOf(tdb: TestDb, intentId: string, index: number): Promise<string> {
  return (await cursorsOf(tdb, intentId))[index]!;
}
