// client.watch() over real sockets: resuming across a server restart, falling back to
// SSE where WebSockets are not served, and the API key on each transport.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createAxme, type Axme as App } from '../src/app.ts';
import { ApiKeys } from '../src/auth/keys.ts';
import { createClient, type IntentEvent, UnauthenticatedError } from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import type { Db } from '../src/db/types.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb } from './helpers/db.ts';
import { until } from './helpers/live.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function app(db: Db, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SUBSCRIPTION_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500', ...env });
  return createAxme(config, createLogger('silent'), { db, startSweeper: false });
}

async function server(db: Db, env: Record<string, string> = {}): Promise<RunningServer> {
  const running = await listen(await app(db, env), createLogger('silent'));
  cleanups.push(() => running.shutdown());
  return running;
}

/** Collects what a watch yields in the background until the test ends. */
function collect(it: AsyncIterable<IntentEvent>, ac: AbortController) {
  const seen: IntentEvent[] = [];
  const done = (async () => {
    for await (const e of it) seen.push(e);
  })();
  cleanups.push(async () => {
    ac.abort();
    await done.catch(() => {});
  });
  return seen;
}

it('resumes from its last cursor after the server restarts: history, then live, nothing missed or repeated', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const first = await server(tdb.db);
  const port = (first.server.address() as AddressInfo).port;
  const client = createClient({ url: first.url });
  const intent = await client.submit({ type: 'live.restart' });
  await client.cancel(intent.id);

  const ac = new AbortController();
  const seen = collect(client.watch(intent.id, { signal: ac.signal }), ac);
  await until(() => seen.length === 2, 20_000, 'the history');

  await first.shutdown();
  await client.retry(intent.id).catch(() => {}); // refused: nobody is listening
  const second = await server(tdb.db, { PORT: String(port) });
  expect(second.url).toBe(first.url);
  await client.retry(intent.id);
  await client.cancel(intent.id, 'again');

  await until(() => seen.length >= 4, 20_000, 'the events after the restart');
  expect(seen.map((e) => [e.seq, e.kind])).toEqual([[1, 'SUBMITTED'], [2, 'CANCELLED'], [3, 'RETRIED'], [4, 'CANCELLED']]);
}, 60_000);

it('falls back to SSE where WebSockets are not served, and watches by filter', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const a = await app(tdb.db);
  const plain = createServer(a.yoga); // HTTP and SSE only
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    a.drain();
    plain.closeAllConnections();
    await new Promise((r) => plain.close(r));
    await a.close();
  });
  const client = createClient({ url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}/graphql` });
  const before = await client.submit({ type: 'live.sse' });
  const [submitted] = await client.events(before.id);

  const ac = new AbortController();
  const seen = collect(client.watch({ types: ['live.sse'] }, { signal: ac.signal, after: submitted!.cursor }), ac);
  const other = await client.submit({ type: 'live.other' });
  const next = await client.submit({ type: 'live.sse' });
  await client.cancel(other.id);
  await client.cancel(next.id);
  await until(() => seen.length >= 2, 20_000, 'events over SSE');
  expect(seen.map((e) => [e.intentId, e.kind])).toEqual([[next.id, 'SUBMITTED'], [next.id, 'CANCELLED']]);
  expect((await client.result(next.id)).status).toBe('CANCELLED');
}, 60_000);

it('sends the API key as a bearer header over SSE and in connectionParams over graphql-ws', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const running = await server(tdb.db, { AXME_AUTH: 'on' });
  const { secret } = await new ApiKeys(tdb.db, { now: () => new Date() }).create({ namespace: 'default', name: 'watcher', role: 'agent' });
  const intent = await createClient({ url: running.url, apiKey: secret }).submit({ type: 'live.auth' });

  for (const transport of ['ws', 'sse'] as const) {
    const ok = createClient({ url: running.url, apiKey: secret, transport });
    const first = await ok.watch(intent.id).next();
    expect(first.value).toMatchObject({ seq: 1, kind: 'SUBMITTED' });
    const changes = ok.changes(intent.id);
    expect((await changes.next()).value).toMatchObject({ id: intent.id, status: 'PENDING' });
    await changes.return(undefined);

    const anonymous = createClient({ url: running.url, transport });
    const err = await anonymous.changes(intent.id).next().catch((e) => e);
    expect(err, transport).toBeInstanceOf(UnauthenticatedError);
  }
}, 60_000);
