// recordSteps, many step records in one request, over a listening server: each item
// settles on its own, and the typed client sends the steps that finish together in one
// request (also against a server without recordSteps), each caller getting its own answer.
import { describe, expect, it } from 'vitest';
import { LeaseLostError, createClient, defaultSender, type Axme, type SendRequest } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50', AXME_MAX_STEP_BYTES: '2000' }, (s) => ({ server, axme } = s));

let n = 0;
const uniqueType = () => `record-steps.t${++n}`;

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

const RECORD_MANY = `mutation($input: RecordStepsInput!) {
  recordSteps(input: $input) { id step { seq name status output } error { code message } } }`;

async function leases(type: string, count: number) {
  for (let i = 0; i < count; i++) await axme.submit({ type, input: { i } });
  const got = await axme.claimMany({ types: [type], agent: 'record-steps', limit: count });
  expect(got).toHaveLength(count);
  return got.map((l) => ({ id: l.intent.id, token: l.token }));
}

/** A sender that counts requests by the GraphQL field they call first. */
function counting(inner: SendRequest = defaultSender()): SendRequest & { calls: string[] } {
  const calls: string[] = [];
  const send = ((url, init) => {
    calls.push(/\{\s*(\w+)/.exec(String(JSON.parse(init.body).query))?.[1] ?? '?');
    return inner(url, init);
  }) as SendRequest & { calls: string[] };
  send.calls = calls;
  send.close = () => inner.close?.();
  return send;
}

describe('recordSteps over GraphQL', () => {
  it('records the items of many intents in item order, each with its own result or its own error', async () => {
    const [a, b, c] = await leases(uniqueType(), 3);
    const r = await gql(RECORD_MANY, { input: { items: [
      { id: a!.id, leaseToken: a!.token, name: 'one', output: { a: 1 }, durationMs: 1 },
      { id: b!.id, leaseToken: '00000000-0000-4000-8000-000000000000', name: 'one', output: { b: 1 }, durationMs: 1 },
      { id: c!.id, leaseToken: c!.token, name: 'big', output: { s: 'x'.repeat(3000) }, durationMs: 1 },
      { id: c!.id, leaseToken: c!.token, name: 'two', error: { message: 'tool failed', code: 'TOOL' }, durationMs: 2 },
      { id: a!.id, leaseToken: a!.token, name: 'not-an-id', durationMs: -1 },
    ] } });
    expect(r.errors).toBeUndefined();
    const results = r.data.recordSteps;
    expect(results.map((x: { id: string }) => x.id)).toEqual([a!.id, b!.id, c!.id, c!.id, a!.id]);
    expect(results[0]).toMatchObject({ step: { seq: 3, name: 'one', status: 'COMPLETED', output: { a: 1 } }, error: null });
    expect(results[1]).toMatchObject({ step: null, error: { code: 'LEASE_LOST' } });
    expect(results[2]).toMatchObject({ step: null, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(results[3]).toMatchObject({ step: { seq: 3, name: 'two', status: 'FAILED', output: null }, error: null });
    expect(results[4]).toMatchObject({ step: null, error: { code: 'BAD_USER_INPUT' } });
    // the refused items wrote nothing: b has no step, c only the failed one
    expect((await axme.steps(b!.id))!).toEqual([]);
    expect((await axme.steps(c!.id))!.map((s) => s.name)).toEqual(['two']);
    expect((await axme.events(a!.id)).map((e) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'STEP_COMPLETED']);
  });

  it('answers a name that already has a result with the stored record, as recordStep does', async () => {
    const [a] = await leases(uniqueType(), 1);
    const item = (output: unknown) => ({ id: a!.id, leaseToken: a!.token, name: 'once', output, durationMs: 1 });
    const r = await gql(RECORD_MANY, { input: { items: [item({ first: true })] } });
    const again = await gql(RECORD_MANY, { input: { items: [item({ second: true })] } });
    expect(again.data.recordSteps[0].step).toEqual(r.data.recordSteps[0].step);
    expect((await axme.steps(a!.id))!).toHaveLength(1);
  });

  it('refuses more than 1000 items with BAD_USER_INPUT and records nothing', async () => {
    const [a] = await leases(uniqueType(), 1);
    const items = Array.from({ length: 1001 }, (_, i) => ({ id: a!.id, leaseToken: a!.token, name: `s${i}`, durationMs: 1 }));
    const r = await gql(RECORD_MANY, { input: { items } });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await axme.steps(a!.id))!).toEqual([]);
  });
});

// these count the HTTP requests a batch makes: the client's writes go over HTTP here
// (the socket carries the same batches: test/client-socket-writes.test.ts)
describe('the typed client', () => {
  it('sends steps recorded together in one request after the first, and answers each caller with its own record or error', async () => {
    const send = counting();
    const client = createClient({ url: server.url, send, writesOverSocket: false });
    try {
      const runs = await leases(uniqueType(), 8);
      const stale = { ...runs[7]!, token: '00000000-0000-4000-8000-000000000000' };
      const calls = [...runs.slice(0, 7), stale].map((r, i) =>
        client.recordStep({ id: r.id, leaseToken: r.token, name: 'check', output: { i }, durationMs: 1 }));
      const settled = await Promise.allSettled(calls);
      expect(settled.slice(0, 7).map((s) => s.status === 'fulfilled' && s.value.seq)).toEqual(Array(7).fill(3));
      expect(settled[7]).toMatchObject({ status: 'rejected', reason: expect.any(LeaseLostError) });
      // the first went alone at once; the seven that came while it was in flight went together
      expect(send.calls).toEqual(['recordStep', 'recordSteps']);
      for (const [i, r] of runs.slice(0, 7).entries()) expect((await axme.steps(r.id, { withOutput: true }))![0]).toMatchObject({ name: 'check', output: { i } });
    } finally {
      await client.close();
    }
  });

  it('sends each step on its own to a server without recordSteps, and keeps doing so', async () => {
    // what an older server answers: validation refuses the type and the field it does not know; here
    // this server refuses names it does not know either, and the answer names them back as sent
    const inner = defaultSender();
    const older: SendRequest = async (url, init) => {
      const res = await inner(url, { ...init, body: init.body.replace('RecordStepsInput!', 'RecordStepsInputOfLater!').replace('recordSteps(', 'recordStepsOfLater(') });
      return { ...res, text: res.text.replaceAll('RecordStepsInputOfLater', 'RecordStepsInput').replaceAll('recordStepsOfLater', 'recordSteps') };
    };
    const send = counting(older);
    const client = createClient({ url: server.url, send, writesOverSocket: false });
    try {
      const runs = await leases(uniqueType(), 6);
      const first = await Promise.all(runs.slice(0, 3).map((r) => client.recordStep({ id: r.id, leaseToken: r.token, name: 'a', durationMs: 1 })));
      expect(first.map((s) => s.seq)).toEqual([3, 3, 3]);
      expect(send.calls).toEqual(['recordStep', 'recordSteps', 'recordStep', 'recordStep']);
      send.calls.length = 0;
      await Promise.all(runs.slice(3).map((r) => client.recordStep({ id: r.id, leaseToken: r.token, name: 'a', durationMs: 1 })));
      expect(send.calls).toEqual(['recordStep', 'recordStep', 'recordStep']);
    } finally {
      await client.close();
    }
  });

  it('sends each step of a batch the server refused as a whole on its own, so only the bad one fails', async () => {
    const send = counting();
    const client = createClient({ url: server.url, send, writesOverSocket: false });
    try {
      const [a, b, c] = await leases(uniqueType(), 3);
      const step = (r: { id: string; token: string }, usage?: unknown) =>
        client.recordStep({ id: r.id, leaseToken: r.token, name: 'call', durationMs: 1, ...(usage ? { usage: usage as never } : {}) });
      // an Int out of range makes the whole request invalid, before any item runs
      const settled = await Promise.allSettled([step(a!), step(b!, [{ provider: 'openai', model: 'm', inputTokens: 2 ** 40, outputTokens: 1 }]), step(c!)]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(send.calls).toEqual(['recordStep', 'recordSteps', 'recordStep', 'recordStep']);
      expect((await axme.steps(b!.id))!).toEqual([]);
      expect((await axme.steps(c!.id))!.map((s) => s.name)).toEqual(['call']);
    } finally {
      await client.close();
    }
  });

  it('a worker running many intents records their steps in fewer requests than steps, and completes every run', async () => {
    const type = uniqueType();
    const send = counting();
    const client = createClient({ url: server.url, send, writesOverSocket: false });
    const worker = client.worker({ types: [type], concurrency: 16, waitSeconds: 1, onError: () => {} }, async (run) => {
      const a = await run.step('one', () => ((run.input as { i: number }).i));
      const b = await run.step('two', () => a * 2);
      return { b };
    });
    try {
      const ids = await Promise.all(Array.from({ length: 16 }, (_, i) => axme.submit({ type, input: { i } }).then((x) => x.id)));
      const done = await Promise.all(ids.map((id) => axme.result(id)));
      expect(done.map((d) => d.status)).toEqual(Array(16).fill('COMPLETED'));
      expect(done.map((d) => (d.output as { b: number }).b).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i * 2).sort((x, y) => x - y));
      const stepRequests = send.calls.filter((c) => c === 'recordStep' || c === 'recordSteps').length;
      expect(send.calls).toContain('recordSteps');
      expect(stepRequests).toBeLessThan(32);
    } finally {
      await worker.stop();
      await client.close();
    }
  });
});
