// A run in one round trip (issue 20): submitIntent(waitSeconds:) holds its answer until the
// intent finishes, and the typed client's execute() is submit + result() in one call, over
// a listening server with a real worker.
import { describe, expect, it } from 'vitest';
import { createClient, defaultSender, type Axme } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50', AXME_MAX_WAIT_SECONDS: '2' }, (s) => ({ server, axme } = s));

let n = 0;
const uniqueType = () => `execute.t${++n}`;
const quiet = { session: false, waitSeconds: 1, onError: () => {}, onHandlerError: () => {} } as const;

/** A client that counts its requests. */
function counting(): { client: Axme; requests: string[] } {
  const requests: string[] = [];
  const send = defaultSender();
  const client = createClient({ url: server.url, send: (url, init) => (requests.push(JSON.parse(init.body).query), send(url, init)) });
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
});
