// The typed client's one shared graphql-ws socket, over a listening server: every
// result() and watch() of a client rides it, one ending leaves the others alone, it
// closes after its idle delay and the next wait opens a fresh one.
import { afterEach, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { createClient, type IntentEvent } from '@axme/client';
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
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SUBSCRIPTION_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500', ...env });
  const running = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db, startSweeper: false }), createLogger('silent'));
  cleanups.push(() => running.shutdown());
  return running.url;
}

it('runs every result() and watch() of a client over one socket; ending one leaves the others running', async () => {
  const url = await start();
  const { sockets, impl } = counting();
  const client = createClient({ url, webSocketImpl: impl, socketIdleMs: 60_000 });
  cleanups.push(() => client.close());
  const intents = await Promise.all([1, 2, 3].map(() => client.submit({ type: 'socket.shared' })));

  // three waits and a watch at once
  const results = intents.map((i) => client.result(i.id));
  const ac = new AbortController();
  const seen: IntentEvent[] = [];
  const watching = (async () => {
    for await (const e of client.watch(intents[2]!.id, { signal: ac.signal })) seen.push(e);
  })();
  await until(() => seen.length === 1, 10_000, 'the watch replaying SUBMITTED');

  await client.cancel(intents[0]!.id, 'first');
  expect((await results[0]!).status).toBe('CANCELLED');
  // the first wait ended; the others still get their changes on the same socket
  await client.cancel(intents[1]!.id, 'second');
  expect((await results[1]!).status).toBe('CANCELLED');
  // stopping the watch does not end the wait on the same intent
  ac.abort();
  await watching;
  await client.cancel(intents[2]!.id, 'third');
  expect((await results[2]!).status).toBe('CANCELLED');

  // waits one after another reuse it too
  for (let k = 0; k < 3; k++) {
    const i = await client.submit({ type: 'socket.shared' });
    const done = client.result(i.id);
    await client.cancel(i.id);
    expect((await done).id).toBe(i.id);
  }
  expect(sockets.opened).toBe(1);
  expect(sockets.open).toBe(1);

  // close() lets a finished process exit now; the client keeps working on a new socket
  await client.close();
  await until(() => sockets.open === 0, 5_000, 'the socket closing');
  const later = await client.submit({ type: 'socket.shared' });
  const done = client.result(later.id);
  await client.cancel(later.id);
  expect((await done).status).toBe('CANCELLED');
  expect(sockets.opened).toBe(2);
});

it('closes the socket once it has been idle for socketIdleMs and opens a new one for the next wait', async () => {
  const url = await start();
  const { sockets, impl } = counting();
  const client = createClient({ url, webSocketImpl: impl, socketIdleMs: 200 });
  cleanups.push(() => client.close());

  const first = await client.submit({ type: 'socket.idle' });
  const waiting = client.result(first.id);
  await client.cancel(first.id);
  await waiting;
  await until(() => sockets.open === 0, 5_000, 'the idle socket closing');

  const second = await client.submit({ type: 'socket.idle' });
  const next = client.result(second.id);
  await client.cancel(second.id);
  expect((await next).status).toBe('CANCELLED');
  expect(sockets.opened).toBe(2);
});

it('opens another socket when the server refuses more subscriptions on one, instead of resubscribing for ever', async () => {
  const url = await start({ AXME_MAX_SUBSCRIPTIONS: '5' });
  const { sockets, impl } = counting();
  const client = createClient({ url, webSocketImpl: impl, socketIdleMs: 60_000 });
  cleanups.push(() => client.close());
  const intents = await Promise.all(Array.from({ length: 12 }, () => client.submit({ type: 'socket.many' })));
  const results = intents.map((i) => client.result(i.id));
  // every wait subscribed: refused ones moved to a socket with room
  await until(() => sockets.opened === 3, 10_000, 'three sockets for twelve waits, five each');
  for (const i of intents) await client.cancel(i.id);
  expect((await Promise.all(results)).map((r) => r.status)).toEqual(intents.map(() => 'CANCELLED'));
  expect(sockets.opened).toBe(3);
});
