// A run's last step recorded with its completion (completeIntent's lastStep, issue 20):
// one statement writes the step record, its event and COMPLETED, fenced by the lease;
// the cases that statement leaves (a name with a result, a child, model usage) still
// record and complete; and the TypeScript worker sends a `last` step with the completion.
import { describe, expect, it } from 'vitest';
import { createClient, type Axme } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50', AXME_MAX_STEP_BYTES: '2000' }, (s) => ({ server, axme } = s));

let n = 0;
const uniqueType = () => `last.t${++n}`;
const noBackoff = { initialIntervalSeconds: 0, jitter: 0 };

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { extensions?: { code?: string } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

async function claimed(type: string, parentId: string | null = null) {
  await axme.submit({ type, input: {}, maxAttempts: 3, retry: noBackoff, parentId });
  const [lease] = await axme.claimMany({ types: [type], agent: 'last-test', limit: 1 });
  if (!lease) throw new Error('nothing to claim');
  return { id: lease.intent.id, token: lease.token };
}

const COMPLETE = `mutation($input: CompleteIntentInput!) { completeIntent(input: $input) { status output lastSeq } }`;
const COMPLETE_MANY = `mutation($items: [CompleteIntentInput!]!) { completeIntents(input: { items: $items }) { id intent { status } error { code } } }`;
const READ = `query($id: ID!) { intent(id: $id) { status steps { name seq status durationMs outputBytes } out: steps(name: "final") { output } events { seq kind status data } } }`;

describe('completeIntent with lastStep', () => {
  it('records the step and completes in one write: gapless events, the step before COMPLETED', async () => {
    const { id, token } = await claimed(uniqueType());
    const r = await gql(COMPLETE, { input: { id, leaseToken: token, output: { ok: 1 }, lastStep: { name: 'final', output: { v: 42 }, durationMs: 7 } } });
    expect(r.data.completeIntent).toEqual({ status: 'COMPLETED', output: { ok: 1 }, lastSeq: 4 });
    const intent = (await gql(READ, { id })).data.intent;
    expect(intent.steps).toEqual([{ name: 'final', seq: 3, status: 'COMPLETED', durationMs: 7, outputBytes: 8 }]);
    expect(intent.out).toEqual([{ output: { v: 42 } }]);
    expect(intent.events.map((e: { seq: number; kind: string; status: string }) => [e.seq, e.kind, e.status])).toEqual([
      [1, 'SUBMITTED', 'PENDING'], [2, 'CLAIMED', 'RUNNING'], [3, 'STEP_COMPLETED', 'RUNNING'], [4, 'COMPLETED', 'COMPLETED'],
    ]);
    expect(intent.events[2].data).toEqual({ name: 'final', attempt: 1, durationMs: 7, outputBytes: 8 });
    // the event stream (ordered by transaction and id) has them in seq order too
    const stream = await axme.events(id);
    expect(stream.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('is fenced by the lease: a stale token gets LEASE_LOST and writes neither the step nor the completion', async () => {
    const type = uniqueType();
    const first = await claimed(type);
    await gql(`mutation($id: ID!, $t: ID!) { failIntent(input: { id: $id, leaseToken: $t, error: { message: "crash" } }) { status } }`, { id: first.id, t: first.token });
    const [second] = await axme.claimMany({ types: [type], agent: 'second', limit: 1 });
    const stale = await gql(COMPLETE, { input: { id: first.id, leaseToken: first.token, output: 1, lastStep: { name: 'final', output: 1, durationMs: 1 } } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('LEASE_LOST');
    const intent = (await gql(READ, { id: first.id })).data.intent;
    expect([intent.status, intent.steps]).toEqual(['RUNNING', []]);
    expect(second!.intent.id).toBe(first.id);
  });

  it('keeps the first result of a name, completes a child, takes model usage and refuses a step over the limit', async () => {
    // a name that already has a result: it stands, and the run completes
    const a = await claimed(uniqueType());
    await gql(`mutation($input: RecordStepInput!) { recordStep(input: $input) { seq } }`, { input: { id: a.id, leaseToken: a.token, name: 'final', output: 'first', durationMs: 1 } });
    const again = await gql(COMPLETE, { input: { id: a.id, leaseToken: a.token, output: 2, lastStep: { name: 'final', output: 'second', durationMs: 1 } } });
    expect(again.data.completeIntent.status).toBe('COMPLETED');
    const readA = (await gql(READ, { id: a.id })).data.intent;
    expect(readA.out).toEqual([{ output: 'first' }]);
    expect(readA.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'STEP_COMPLETED', 'COMPLETED']);

    // a child intent completes under its parent's lock: the step is recorded on its own first
    const parent = await axme.submit({ type: uniqueType(), input: {} });
    const child = await claimed(uniqueType(), parent.id);
    const c = await gql(COMPLETE, { input: { id: child.id, leaseToken: child.token, output: 3, lastStep: { name: 'final', output: 'c', durationMs: 1 } } });
    expect(c.data.completeIntent.status).toBe('COMPLETED');
    expect((await gql(READ, { id: child.id })).data.intent.out).toEqual([{ output: 'c' }]);

    // model usage takes a transaction: still recorded, with its usage
    const u = await claimed(uniqueType());
    const usage = [{ model: 'gpt-test', inputTokens: 10, outputTokens: 5 }];
    const withUsage = await gql(COMPLETE, { input: { id: u.id, leaseToken: u.token, output: 4, lastStep: { name: 'final', output: 'u', durationMs: 1, usage } } });
    expect(withUsage.data.completeIntent.status).toBe('COMPLETED');
    const steps = await gql(`query($id: ID!) { intent(id: $id) { steps { name usageTotals { calls inputTokens } } } }`, { id: u.id });
    expect(steps.data.intent.steps).toEqual([{ name: 'final', usageTotals: { calls: 1, inputTokens: 10 } }]);

    const big = await claimed(uniqueType());
    const tooBig = await gql(COMPLETE, { input: { id: big.id, leaseToken: big.token, output: 5, lastStep: { name: 'final', output: 'x'.repeat(2001), durationMs: 1 } } });
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'lastStep.output' });
    expect((await gql(READ, { id: big.id })).data.intent).toMatchObject({ status: 'RUNNING', steps: [] });
  });

  it('completeIntents settles items with and without a last step, each on its own', async () => {
    const type = uniqueType();
    const [x, y] = [await claimed(type), await claimed(type)];
    const r = await gql(COMPLETE_MANY, { items: [
      { id: x.id, leaseToken: x.token, output: 'x', lastStep: { name: 'final', output: 'sx', durationMs: 1 } },
      { id: y.id, leaseToken: y.token, output: 'y' },
      { id: x.id, leaseToken: '00000000-0000-7000-8000-000000000000', output: 'z', lastStep: { name: 'other', output: 1, durationMs: 1 } },
    ] });
    expect(r.data.completeIntents.map((i: { intent: { status: string } | null; error: { code: string } | null }) => i.intent?.status ?? i.error?.code))
      .toEqual(['COMPLETED', 'COMPLETED', 'CONFLICT']);
    expect((await gql(READ, { id: x.id })).data.intent.steps.map((s: { name: string }) => s.name)).toEqual(['final']);
  });
});

describe('the TypeScript worker with a `last` step', () => {
  it('sends the step with the completion, one request fewer; a handler that throws after it still records it', async () => {
    const type = uniqueType();
    const sent: string[] = [];
    const client = createClient({
      url: server.url,
      fetch: (async (url: string, init?: RequestInit) => {
        sent.push(/^\s*(?:mutation|query)\s+(\w+)/.exec(String(JSON.parse(String(init?.body)).query))?.[1] ?? '?');
        return fetch(url, init);
      }) as typeof fetch,
    });
    const calls: Record<string, number> = {};
    const worker = client.worker({ types: [type], session: false, waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
      const a = await run.step('a', () => 1);
      const b = await run.step('b', () => ((calls.b = (calls.b ?? 0) + 1), a + 1), { last: true });
      if ((run.input as { fail?: boolean }).fail && run.attempt === 1) throw new Error('after the last step');
      return { b };
    });
    const ok = await axme.submit({ type, input: {} });
    expect(await axme.result(ok.id, { signal: AbortSignal.timeout(20_000) })).toMatchObject({ status: 'COMPLETED', output: { b: 2 } });
    expect(sent.filter((s) => s !== 'ClaimIntents')).toEqual(['RecordStep', 'CompleteIntentsAck']);
    expect((await axme.steps(ok.id))!.map((s) => [s.name, s.status])).toEqual([['a', 'COMPLETED'], ['b', 'COMPLETED']]);

    // it threw after the step: the step was recorded before the failure, so the retry replays it
    const failing = await axme.submit({ type, input: { fail: true }, maxAttempts: 2, retry: noBackoff });
    expect(await axme.result(failing.id, { signal: AbortSignal.timeout(20_000) })).toMatchObject({ status: 'COMPLETED', attempt: 2 });
    await worker.stop();
    expect(calls.b).toBe(2); // once for the first run, once for the failing one's first attempt
    expect((await axme.steps(failing.id))!.map((s) => [s.name, s.attempt])).toEqual([['a', 1], ['b', 1]]);
  });

  it('records a step marked last before a later step runs: that step was not the last after all', async () => {
    const type = uniqueType();
    let seenByNext: string[] | null = null;
    const worker = axme.worker({ types: [type], session: false, waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
      await run.step('first', () => 1, { last: true });
      await run.step('next', async () => (seenByNext = (await axme.steps(run.id))!.map((s) => s.name)));
      return 'done';
    });
    const s = await axme.submit({ type, input: {} });
    expect(await axme.result(s.id, { signal: AbortSignal.timeout(20_000) })).toMatchObject({ status: 'COMPLETED' });
    await worker.stop();
    expect(seenByNext).toEqual(['first']);
    expect((await axme.steps(s.id))!.map((x) => x.name)).toEqual(['first', 'next']);
  });
});
