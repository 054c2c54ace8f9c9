// A run in one round trip (issue 20): submitIntent(waitSeconds:) holds its answer until the
// intent finishes, and the typed client's execute() is submit + result() in one call, over
// a listening server with a real worker.
import { describe, expect, it } from 'vitest';
import { createClient, defaultSender, type Axme } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { listenOn, useServed } from './helpers/served.ts';
import { testApp } from './helpers/app.ts';
import type { TestDb } from './helpers/db.ts';

let tdb: TestDb;
let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50', AXME_MAX_WAIT_SECONDS: '2' }, (s) => ({ tdb, server, axme } = s));

let n = 0;
const uniqueType = () => `execute.t${++n}`;
const quiet = { session: false, waitSeconds: 1, onError: () => {}, onHandlerError: () => {} } as const;

/** A client that counts its requests. These tests take execute() over HTTP; over the socket: test/client-socket-writes.test.ts. */
function counting(): { client: Axme; requests: string[] } {
  const requests: string[] = [];
  const send = defaultSender();
  const client = createClient({ url: server.url, send: (url, init) => (requests.push(JSON.parse(init.body).query), send(url, init)), writesOverSocket: false });
  return { client, requests };
}

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { extensions?: { code?: string } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

describe('execute: submit and wait for the result', () => {
  it('answers the finished intent in one request when a worker runs it in time', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async (run) => {
      const a = await run.step('double', () => (run.input as { x: number }).x * 2);
      return { y: a + 1 };
    });
    try {
      const { client, requests } = counting();
      const done = await client.execute({ type, input: { x: 20 } });
      expect(done).toMatchObject({ status: 'COMPLETED', output: { y: 41 } });
      expect(requests).toHaveLength(1);
      await client.close();
    } finally {
      await worker.stop();
    }
  });

  it('answers FAILED runs too, with their error', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async () => {
      throw new Error('no luck');
    });
    try {
      const failed = await axme.execute({ type, input: {}, maxAttempts: 1 });
      expect(failed.status).toBe('FAILED');
      expect(failed.error?.message).toContain('no luck');
    } finally {
      await worker.stop();
    }
  });

  it('answers the state it has when the wait ends (cut to AXME_MAX_WAIT_SECONDS); execute() then waits on', async () => {
    const type = uniqueType();
    const r = await gql(`mutation($input: SubmitIntentInput!) { submitIntent(input: $input, waitSeconds: 3600) { id status } }`, { input: { type } });
    expect(r.errors).toBeUndefined();
    expect(r.data.submitIntent.status).toBe('PENDING');

    // no worker until after the server's wait (2 s) ended: execute() continues with result()
    const { client, requests } = counting();
    const pending = client.execute({ type, input: { late: true } });
    let worker: ReturnType<Axme['worker']> | undefined;
    const later = setTimeout(() => {
      worker = axme.worker({ types: [type], ...quiet }, async (run) => run.input);
    }, 2500);
    try {
      const done = await pending;
      expect(done).toMatchObject({ status: 'COMPLETED', output: { late: true } });
      expect(requests.length).toBeGreaterThanOrEqual(1);
    } finally {
      clearTimeout(later);
      await worker?.stop();
      await client.close();
    }
  }, 15_000);

  it('answers at once for an idempotency key whose intent already finished', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async () => 'first');
    const a = await axme.execute({ type, idempotencyKey: 'once' }).finally(() => worker.stop());
    expect(a.output).toBe('first');
    const { client, requests } = counting();
    const b = await client.execute({ type, idempotencyKey: 'once' });
    expect(b).toMatchObject({ id: a.id, status: 'COMPLETED', output: 'first' });
    expect(requests).toHaveLength(1);
  });

  it('recovers an answer lost on the way (a proxy 504) by submitting again under its own key: one intent, its result', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async (run) => ({ got: run.input }));
    const real = defaultSender();
    let proxied = 0;
    // a proxy that gives up on the held answer at once, while the server goes on
    const client = createClient({
      url: server.url,
      writesOverSocket: false,
      send: async (url, init) => {
        if (!init.body.includes('ExecuteIntent')) return real(url, init);
        proxied++;
        void real(url, init).catch(() => {});
        return { status: 504, text: '<html>Gateway Time-out</html>' };
      },
    });
    try {
      const done = await client.execute({ type, input: { n: 7 } });
      expect(done).toMatchObject({ status: 'COMPLETED', output: { got: { n: 7 } } });
      expect(proxied).toBe(1);
      expect((await axme.list({ type: [type] })).nodes).toHaveLength(1);
    } finally {
      await worker.stop();
      await client.close();
    }
  });

  it('falls back to submit and result() against a server without submitIntent(waitSeconds:)', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async () => 'ok');
    const real = defaultSender();
    const older = createClient({
      url: server.url,
      writesOverSocket: false,
      send: async (url, init) => init.body.includes('ExecuteIntent')
        ? { status: 200, text: JSON.stringify({ errors: [{ message: 'Unknown argument "waitSeconds" on field "Mutation.submitIntent".', extensions: { code: 'BAD_USER_INPUT' } }] }) }
        : real(url, init),
    });
    try {
      expect(await older.execute({ type })).toMatchObject({ status: 'COMPLETED', output: 'ok' });
    } finally {
      await worker.stop();
      await older.close();
    }
  });

  it('refuses a bad wait before submitting anything', async () => {
    const type = uniqueType();
    const r = await gql(`mutation($input: SubmitIntentInput!) { submitIntent(input: $input, waitSeconds: -1) { id } }`, { input: { type } });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await axme.list({ type: [type] })).nodes).toHaveLength(0);
  });

  it('lets go of the wait when the caller goes away', async () => {
    const open = async () => {
      const text = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
      return Number(/^axme_subscriptions_open (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const before = await open();
    const ac = new AbortController();
    const waiting = axme.execute({ type: uniqueType() }, { signal: ac.signal });
    await expect.poll(open).toBe(before + 1);
    ac.abort();
    await expect(waiting).rejects.toThrow();
    await expect.poll(open).toBe(before);
  });

  it('answers at once past AXME_MAX_WAITING_SUBMITS waits, and never refuses a submit it wrote when shutting down', async () => {
    const capped = await listenOn(tdb, { AXME_MAX_WAITING_SUBMITS: '1', AXME_MAX_WAIT_SECONDS: '30' });
    const open = async () => Number(/^axme_subscriptions_open (\d+)/m.exec(await (await fetch(capped.url.replace(/\/graphql$/, '/metrics'))).text())?.[1]);
    const client = createClient({ url: capped.url });
    const ac = new AbortController();
    try {
      let firstDone = false;
      const first = client.execute({ type: uniqueType() }, { waitSeconds: 30, signal: ac.signal }).finally(() => (firstDone = true));
      await expect.poll(open).toBe(1);
      const r = await fetch(capped.url, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($input: SubmitIntentInput!) { submitIntent(input: $input, waitSeconds: 30) { status } }', variables: { input: { type: uniqueType() } } }) });
      expect(((await r.json()) as any).data.submitIntent.status).toBe('PENDING');
      expect(firstDone).toBe(false);
      ac.abort();
      await first.catch(() => {});
    } finally {
      await client.close();
      await capped.shutdown();
    }

    const t = await testApp();
    try {
      const c = { namespace: 'default', principal: null };
      const intent = await t.app.services.intents.submit(c, { type: 'drain.t' });
      t.app.live.close();
      expect(await t.app.live.untilFinished(c, intent, 30)).toBe(intent);
    } finally {
      await t.close();
    }
  });
});
