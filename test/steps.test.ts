// Steps as records of their own (migration 012), over a listening server: recordStep
// under the lease, what GraphQL and the log show of a step, the per-step limit, the
// TypeScript worker recording and replaying steps, old checkpoints' steps still
// replayed, and a 100-step × 200 KB run whose bytes per step do not grow with the step.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, type Axme } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import type { TestDb } from './helpers/db.ts';
import { useServed } from './helpers/served.ts';

let tdb: TestDb;
let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50', AXME_MAX_STEP_BYTES: '300000' }, (s) => ({ tdb, server, axme } = s));

let n = 0;
const uniqueType = () => `steps.t${++n}`;
const quiet = { onError: () => {}, onHandlerError: () => {}, waitSeconds: 1 };
const noBackoff = { initialIntervalSeconds: 0, jitter: 0 };

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

const RECORD = `mutation($input: RecordStepInput!) { recordStep(input: $input) { seq name attempt status durationMs outputBytes output error { message code } } }`;

async function fail(id: string, token: string) {
  const r = await gql(`mutation($id: ID!, $t: ID!) { failIntent(input: { id: $id, leaseToken: $t, error: { message: "crash" } }) { status } }`, { id, t: token });
  expect(r.data?.failIntent.status).toBe('PENDING');
}

async function claimed(type: string) {
  await axme.submit({ type, input: {}, maxAttempts: 3, retry: noBackoff });
  const [lease] = await axme.claimMany({ types: [type], agent: 'steps-test', limit: 1 });
  if (!lease) throw new Error('nothing to claim');
  return { id: lease.intent.id, token: lease.token };
}

describe('recordStep over GraphQL', () => {
  it('records results and errors once, shows them by name, and logs them without the output', async () => {
    const { id, token } = await claimed(uniqueType());
    const a = await gql(RECORD, { input: { id, leaseToken: token, name: 'search 1', output: { hits: [1, 2] }, durationMs: 12 } });
    expect(a.errors).toBeUndefined();
    expect(a.data.recordStep).toMatchObject({ name: 'search 1', attempt: 1, status: 'COMPLETED', durationMs: 12, outputBytes: 14, output: { hits: [1, 2] } });
    const b = await gql(RECORD, { input: { id, leaseToken: token, name: 'pay', durationMs: 3, error: { message: 'card declined', code: 'DECLINED' } } });
    expect(b.data.recordStep).toMatchObject({ status: 'FAILED', output: null, error: { message: 'card declined', code: 'DECLINED' } });

    // a result is written once: a second one under the name answers the first, and writes no event
    const again = await gql(RECORD, { input: { id, leaseToken: token, name: 'search 1', output: 'other', durationMs: 1 } });
    expect(again.data.recordStep).toMatchObject({ seq: a.data.recordStep.seq, output: { hits: [1, 2] } });

    const read = await gql(`query($id: ID!) { intent(id: $id) { status stepNames steps { name attempt status durationMs outputBytes error { code } }
      one: steps(name: "search 1") { output } events { seq kind data } } }`, { id });
    const intent = read.data.intent;
    expect(intent.status).toBe('RUNNING');
    expect(intent.stepNames).toEqual(['search 1']);
    expect(intent.steps).toEqual([
      { name: 'search 1', attempt: 1, status: 'COMPLETED', durationMs: 12, outputBytes: 14, error: null },
      { name: 'pay', attempt: 1, status: 'FAILED', durationMs: 3, outputBytes: 0, error: { code: 'DECLINED' } },
    ]);
    expect(intent.one).toEqual([{ output: { hits: [1, 2] } }]);
    const stepEvents = intent.events.filter((e: { kind: string }) => e.kind.startsWith('STEP_'));
    expect(stepEvents.map((e: { kind: string; data: unknown }) => [e.kind, e.data])).toEqual([
      ['STEP_COMPLETED', { name: 'search 1', attempt: 1, durationMs: 12, outputBytes: 14 }],
      ['STEP_FAILED', { name: 'pay', attempt: 1, durationMs: 3, outputBytes: 0, error: { message: 'card declined', code: 'DECLINED' } }],
    ]);
    expect(intent.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('records a name once when the same step is recorded concurrently: both answer the first, one row, one event', async () => {
    const { id, token } = await claimed(uniqueType());
    const both = await Promise.all([1, 2, 3].map((k) => gql(RECORD, { input: { id, leaseToken: token, name: 'charge', output: { k }, durationMs: k } })));
    for (const r of both) expect(r.errors).toBeUndefined();
    const seqs = new Set(both.map((r) => r.data.recordStep.seq));
    const outputs = new Set(both.map((r) => JSON.stringify(r.data.recordStep.output)));
    expect([seqs.size, outputs.size]).toEqual([1, 1]);
    const read = await gql(`query($id: ID!) { intent(id: $id) { lastSeq steps { name seq } events { seq kind } } }`, { id });
    expect(read.data.intent.steps).toEqual([{ name: 'charge', seq: [...seqs][0] }]);
    expect(read.data.intent.events.filter((e: { kind: string }) => e.kind === 'STEP_COMPLETED')).toEqual([{ seq: [...seqs][0], kind: 'STEP_COMPLETED' }]);
    expect(read.data.intent.lastSeq).toBe([...seqs][0]);
  });

  it('is fenced by the lease: a stale token gets LEASE_LOST and writes nothing', async () => {
    const type = uniqueType();
    const first = await claimed(type);
    await fail(first.id, first.token);
    const [second] = await axme.claimMany({ types: [type], agent: 'second', limit: 1 });
    if (!second) throw new Error('nothing to claim');
    expect(second.intent.id).toBe(first.id);
    const stale = await gql(RECORD, { input: { id: first.id, leaseToken: first.token, name: 'late', output: 1, durationMs: 1 } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('LEASE_LOST');
    const ok = await gql(RECORD, { input: { id: first.id, leaseToken: second.token, name: 'late', output: 2, durationMs: 1 } });
    expect(ok.data.recordStep).toMatchObject({ attempt: 2, output: 2 });
    expect((await axme.steps(first.id))!.map((s) => [s.name, s.attempt])).toEqual([['late', 2]]);
    // once the intent is finished, even a name already recorded is refused, not answered
    await axme.cancel(first.id);
    const afterCancel = await gql(RECORD, { input: { id: first.id, leaseToken: second.token, name: 'late', output: 2, durationMs: 1 } });
    expect(afterCancel.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('refuses an output over AXME_MAX_STEP_BYTES with PAYLOAD_TOO_LARGE, apart from the checkpoint limit', async () => {
    const { id, token } = await claimed(uniqueType());
    const big = await gql(RECORD, { input: { id, leaseToken: token, name: 'big', output: 'x'.repeat(300_001), durationMs: 1 } });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 300_000, limitName: 'AXME_MAX_STEP_BYTES' });
    const bad = await gql(RECORD, { input: { id, leaseToken: token, name: '', output: 1, durationMs: 1 } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negative = await gql(RECORD, { input: { id, leaseToken: token, name: 'n', output: 1, durationMs: -1 } });
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await axme.steps(id)).toEqual([]);
  });
});

describe('the TypeScript worker', () => {
  it('records each step, replays it on the next attempt, records a step that threw, and logs the handler error', async () => {
    const type = uniqueType();
    const calls: Record<string, number> = {};
    const logged: unknown[] = [];
    const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
    const worker = axme.worker({ types: [type], ...quiet, onHandlerError: (err, i) => logged.push({ ...i, message: (err as Error).message }) }, async (run) => {
      const a = await run.step('plan', () => (count('plan'), { plan: ['x', 'y'] }));
      await run.step('flaky', () => {
        count('flaky');
        if (run.attempt === 1) throw new Error('flaky tool');
        return 'ok';
      });
      return { a, attempt: run.attempt };
    });
    const submitted = await axme.submit({ type, input: {}, maxAttempts: 2, retry: noBackoff });
    const done = await axme.result(submitted.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done).toMatchObject({ status: 'COMPLETED', output: { a: { plan: ['x', 'y'] }, attempt: 2 }, checkpoint: null });
    expect(calls).toEqual({ plan: 1, flaky: 2 });
    expect(logged).toEqual([{ id: submitted.id, type, attempt: 1, message: 'flaky tool' }]);
    const steps = (await axme.steps(submitted.id))!.map((s) => [s.name, s.attempt, s.status, s.error?.message ?? null]);
    expect(steps).toEqual([['plan', 1, 'COMPLETED', null], ['flaky', 1, 'FAILED', 'flaky tool'], ['flaky', 2, 'COMPLETED', null]]);
  });

  it('still replays results from a checkpoint written before step records (its steps map), and keeps the handler state', async () => {
    const type = uniqueType();
    const { id, token } = await claimed(type);
    // what an SDK before step records saved: results by name inside the checkpoint
    const saved = await gql(`mutation($id: ID!, $t: ID!, $c: JSON!) { checkpointIntent(input: { id: $id, leaseToken: $t, checkpoint: $c }) { id } }`,
      { id, t: token, c: { steps: { old: { value: 'from the old layout' } }, waits: {}, state: { n: 7 } } });
    expect(saved.errors).toBeUndefined();
    await fail(id, token);
    let ran = 0;
    const worker = axme.worker({ types: [type], ...quiet }, async (run) => {
      const old = await run.step('old', () => (ran++, 'ran again'));
      const fresh = await run.step('fresh', () => (ran++, 'new'));
      await run.checkpoint({ n: (run.state as { n: number }).n + 1 });
      return { old, fresh };
    });
    const done = await axme.result(id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done).toMatchObject({ status: 'COMPLETED', output: { old: 'from the old layout', fresh: 'new' } });
    expect(ran).toBe(1);
    // the old steps stay where they were; new ones are records, not checkpoint entries
    expect(done.checkpoint).toEqual({ steps: { old: { value: 'from the old layout' } }, waits: {}, state: { n: 8 } });
    expect((await axme.steps(id))!.map((s) => s.name)).toEqual(['fresh']);
  });

  it('runs 100 steps of 200 KB each to completion, with the bytes stored per step independent of the step number', async () => {
    const type = uniqueType();
    const sent: { name: string; bytes: number }[] = [];
    // what the SDK sends per step: a recordStep request with that step's output, nothing else
    const counting: typeof fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      const m = /"operationName":"RecordStep"|mutation RecordStep/.test(body) ? /"name":"(step \d+)"/.exec(body) : null;
      if (m) sent.push({ name: m[1]!, bytes: Buffer.byteLength(body) });
      return fetch(input, init);
    };
    const client = createClient({ url: server.url, fetch: counting });
    // random text, so what is stored is what was sent (compression cannot shrink it)
    const chunk = (i: number) => `${String(i).padStart(3, '0')}:${randomBytes(100_000).toString('hex')}`;
    const worker = client.worker({ types: [type], ...quiet }, async (run) => {
      let total = 0;
      for (let i = 1; i <= 100; i++) total += (await run.step(`step ${i}`, () => chunk(i))).length;
      return { total };
    });
    const submitted = await axme.submit({ type, input: {} });
    const done = await axme.result(submitted.id, { signal: AbortSignal.timeout(120_000) });
    await worker.stop();
    expect(done).toMatchObject({ status: 'COMPLETED', output: { total: 100 * 200_004 }, checkpoint: null });

    const { rows } = await tdb.db.query<{ name: string; stored: number; output_bytes: number }>(
      `select name, pg_column_size(s.*) as stored, output_bytes from intent_steps s where intent_id = $1 order by seq`, [submitted.id]);
    expect(rows).toHaveLength(100);
    const first = Number(rows[0]!.stored);
    const last = Number(rows[99]!.stored);
    expect(rows.every((r) => r.output_bytes === 200_006)).toBe(true);
    expect(Math.abs(last - first) / first).toBeLessThanOrEqual(0.1);
    expect(sent).toHaveLength(100);
    expect(Math.abs(sent[99]!.bytes - sent[0]!.bytes) / sent[0]!.bytes).toBeLessThanOrEqual(0.1);
  }, 180_000);
});
