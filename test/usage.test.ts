// LLM usage per step (migration 016), over a listening server: recordStep with model
// calls, cost given or priced from AXME_PRICES, the running total per intent (own and
// with its children), rollups by type, model and day, and refusals of bad usage.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { usageOf, type Axme } from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import type { RunningServer } from '../src/server.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
let axme: Axme;

const PRICES = { 'gpt-test': { input: 2, output: 8, cached: 0.5 }, 'openai/gpt-other': { input: 1, output: 1 } };

useServed({ AXME_PRICES: JSON.stringify(PRICES) }, (s) => ({ server, axme } = s));

let n = 0;
const uniqueType = () => `usage.t${++n}`;

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

const RECORD = `mutation($input: RecordStepInput!) { recordStep(input: $input) { seq usage { provider model inputTokens outputTokens cachedTokens costUsd } } }`;
const TOTALS = 'calls inputTokens outputTokens cachedTokens costUsd unpricedCalls';

async function claimed(type: string, parentId?: string) {
  await axme.submit({ type, input: {}, ...(parentId ? { parentId } : {}) });
  const [lease] = await axme.claimMany({ types: [type], agent: 'usage-test', limit: 1 });
  if (!lease) throw new Error('nothing to claim');
  return { id: lease.intent.id, token: lease.token };
}

const record = (id: string, token: string, name: string, usage: unknown[], extra: Record<string, unknown> = {}) =>
  gql(RECORD, { input: { id, leaseToken: token, name, output: 'ok', durationMs: 5, usage, ...extra } });

describe('usage on recordStep', () => {
  it('stores each call, prices those without a cost, and keeps a running total per intent', async () => {
    const { id, token } = await claimed(uniqueType());
    const a = await record(id, token, 'draft', [
      { provider: 'openai', model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 500_000, cachedTokens: 400_000 },
      { model: 'mystery-model', inputTokens: 10, outputTokens: 20 },
    ]);
    expect(a.errors).toBeUndefined();
    // 600k uncached × $2 + 400k cached × $0.5 + 500k × $8, per million
    expect(a.data.recordStep.usage).toEqual([
      { provider: 'openai', model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 500_000, cachedTokens: 400_000, costUsd: 1.2 + 0.2 + 4 },
      { provider: null, model: 'mystery-model', inputTokens: 10, outputTokens: 20, cachedTokens: 0, costUsd: null },
    ]);
    // a given cost wins over the table; provider/model keys are looked up first
    const b = await record(id, token, 'review', [
      { provider: 'openai', model: 'gpt-test', inputTokens: 100, outputTokens: 100, costUsd: 0.25 },
      { provider: 'openai', model: 'gpt-other', inputTokens: 1_000_000, outputTokens: 0 },
    ]);
    expect(b.data.recordStep.usage.map((u: { costUsd: number }) => u.costUsd)).toEqual([0.25, 1]);
    // a failed step's calls were spent too
    const c = await record(id, token, 'flaky', [{ model: 'gpt-test', inputTokens: 0, outputTokens: 1_000_000 }], { error: { message: 'boom' } });
    expect(c.errors).toBeUndefined();

    const r = await gql(`query($id: ID!) { intent(id: $id) { usage { ${TOTALS} } steps(first: 10) { name usage { model costUsd } usageTotals { calls costUsd } } } }`, { id });
    expect(r.errors).toBeUndefined();
    expect(r.data.intent.usage).toEqual({
      calls: 5, inputTokens: 2_000_110, outputTokens: 1_500_120, cachedTokens: 400_000, costUsd: 5.4 + 0.25 + 1 + 8, unpricedCalls: 1,
    });
    expect(r.data.intent.steps.map((s: { name: string; usage: unknown[]; usageTotals: { calls: number; costUsd: number } }) => [s.name, s.usage.length, s.usageTotals.costUsd]))
      .toEqual([['draft', 2, 5.4], ['review', 2, 1.25], ['flaky', 1, 8]]);
  });

  it('adds nothing when a step already recorded is recorded again', async () => {
    const { id, token } = await claimed(uniqueType());
    const call = [{ model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 0 }];
    await record(id, token, 'once', call);
    const again = await record(id, token, 'once', call);
    expect(again.errors).toBeUndefined();
    const r = await gql(`query($id: ID!) { intent(id: $id) { usage { calls costUsd } } }`, { id });
    expect(r.data.intent.usage).toEqual({ calls: 1, costUsd: 2 });
  });

  it('rolls an intent up with its children, and answers zeros for one without usage', async () => {
    const parent = await claimed(uniqueType());
    await record(parent.id, parent.token, 'plan', [{ model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 0 }]);
    const child = await claimed(uniqueType(), parent.id);
    await record(child.id, child.token, 'work', [{ model: 'gpt-test', inputTokens: 0, outputTokens: 1_000_000 }]);
    const r = await gql(`query($id: ID!) { intent(id: $id) { own: usage { calls costUsd } all: usage(includingChildren: true) { calls costUsd } } }`, { id: parent.id });
    expect(r.data.intent).toEqual({ own: { calls: 1, costUsd: 2 }, all: { calls: 2, costUsd: 10 } });
    const idle = await claimed(uniqueType());
    const z = await gql(`query($id: ID!) { intent(id: $id) { usage { ${TOTALS} } } }`, { id: idle.id });
    expect(z.data.intent.usage).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, unpricedCalls: 0 });
  });

  it('sums calls by type, model and day over a window', async () => {
    const type = uniqueType();
    const a = await claimed(type);
    await record(a.id, a.token, 's1', [{ model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 0 }, { model: 'm2', inputTokens: 5, outputTokens: 5 }]);
    const b = await claimed(type);
    await record(b.id, b.token, 's1', [{ model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 0 }]);
    const q = `query($f: UsageFilter, $g: [UsageGroup!]) { usage(filter: $f, groupBy: $g) { type model day ${TOTALS} } }`;
    const byModel = await gql(q, { f: { type }, g: ['TYPE', 'MODEL'] });
    expect(byModel.errors).toBeUndefined();
    expect(byModel.data.usage).toEqual([
      { type, model: 'gpt-test', day: null, calls: 2, inputTokens: 2_000_000, outputTokens: 0, cachedTokens: 0, costUsd: 4, unpricedCalls: 0 },
      { type, model: 'm2', day: null, calls: 1, inputTokens: 5, outputTokens: 5, cachedTokens: 0, costUsd: 0, unpricedCalls: 1 },
    ]);
    const byDay = await gql(q, { f: { type }, g: ['DAY'] });
    expect(byDay.data.usage).toEqual([expect.objectContaining({ day: new Date().toISOString().slice(0, 10), calls: 3, costUsd: 4 })]);
    const past = await gql(q, { f: { type, to: '2020-01-02T00:00:00Z' } });
    expect(past.data.usage).toEqual([expect.objectContaining({ type: null, calls: 0, costUsd: 0 })]);
  });

  it('refuses bad usage and bad windows with BAD_USER_INPUT naming the field, and records nothing', async () => {
    const { id, token } = await claimed(uniqueType());
    const cases: [unknown, string][] = [
      [{ model: 'x', inputTokens: -1 }, 'usage[0].inputTokens'],
      [{ model: 'x', outputTokens: 2_000_000_000 }, 'usage[0].outputTokens'],
      [{ model: 'x', inputTokens: 5, cachedTokens: 6 }, 'usage[0].cachedTokens'],
      [{ model: 'x', costUsd: -0.01 }, 'usage[0].costUsd'],
      [{ model: 'x', costUsd: 1e9 }, 'usage[0].costUsd'],
      [{ model: '' }, 'usage[0].model'],
    ];
    for (const [u, field] of cases) {
      const r = await record(id, token, 'bad', [u]);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const many = await record(id, token, 'bad', Array.from({ length: 101 }, () => ({ model: 'x' })));
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'usage' });
    const r = await gql(`query($id: ID!) { intent(id: $id) { usage { calls } steps { name } } }`, { id });
    expect(r.data.intent).toEqual({ usage: { calls: 0 }, steps: [] });
    const wide = await gql(`{ usage(filter: { from: "2020-01-01T00:00:00Z", to: "2022-01-01T00:00:00Z" }) { calls } }`);
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  it('refuses a price table that is not one, at start-up', () => {
    expect(() => loadConfig({ AXME_PRICES: '{"m": {"input": -1, "output": 2}}' })).toThrow(/AXME_PRICES: m/);
    expect(() => loadConfig({ AXME_PRICES: '/nonexistent/prices.json' })).toThrow(/AXME_PRICES=.*cannot read/);
  });
});

// what an OpenAI-compatible endpoint answers (Chat Completions, and the Responses API)
const chatCompletion = (model: string, prompt: number, completion: number, cached: number) => ({
  id: 'chatcmpl-1', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' } }],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
});
const response = (model: string, input: number, output: number) => ({
  id: 'resp_1', object: 'response', model, output: [], usage: { input_tokens: input, output_tokens: output, input_tokens_details: { cached_tokens: 0 } },
});

describe('usage from the TypeScript SDK', () => {
  it('usageOf reads Chat Completions and Responses API usage', () => {
    expect(usageOf(chatCompletion('gpt-test', 120, 30, 100), 'openai')).toEqual([
      { provider: 'openai', model: 'gpt-test', inputTokens: 120, outputTokens: 30, cachedTokens: 100 },
    ]);
    expect(usageOf([response('gpt-test', 7, 8), { text: 'no usage' }])).toEqual([
      { provider: null, model: 'gpt-test', inputTokens: 7, outputTokens: 8, cachedTokens: 0 },
    ]);
    expect(usageOf('plain text')).toEqual([]);
  });

  it("run.step(name, fn, { usage: 'openai' }) records the response's usage with the step, once", async () => {
    const type = uniqueType();
    let calls = 0;
    const worker = axme.worker({ types: [type], onError: () => {}, onHandlerError: () => {}, waitSeconds: 1 }, async (run) => {
      const a = await run.step('draft', () => (calls++, chatCompletion('gpt-test', 1_000_000, 0, 0)), { usage: 'openai' });
      const b = await run.step('review', () => ({ text: 'ok', tokens: 1_000_000 }), {
        usage: (r) => ({ provider: 'openai', model: 'gpt-other', inputTokens: r.tokens, outputTokens: 0 }),
      });
      return { a: a.model, b: b.text };
    });
    const submitted = await axme.submit({ type, input: {} });
    const done = await axme.result(submitted.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done).toMatchObject({ status: 'COMPLETED', output: { a: 'gpt-test', b: 'ok' } });
    expect(calls).toBe(1);
    const steps = (await axme.steps(submitted.id))!;
    expect(steps.map((s) => [s.name, s.usageTotals.costUsd])).toEqual([['draft', 2], ['review', 1]]);
    const usage = await axme.intentUsage(submitted.id);
    expect(usage?.own).toMatchObject({ calls: 2, inputTokens: 2_000_000, costUsd: 3 });
    const byType = await axme.usage({ filter: { type }, groupBy: ['MODEL'] });
    expect(byType.map((b) => [b.model, b.costUsd])).toEqual([['gpt-other', 1], ['gpt-test', 2]]);
  });
});

describe('usage in the CLI', () => {
  const cli = async (...args: string[]) => (await promisify(execFile)('bin/axme', ['--url', server.url, ...args], { timeout: 20_000 })).stdout;

  it('axme get shows the intent’s cost and each step’s; axme usage sums by model', async () => {
    const type = uniqueType();
    const { id, token } = await claimed(type);
    await record(id, token, 'draft', [{ model: 'gpt-test', inputTokens: 1_000_000, outputTokens: 250_000, cachedTokens: 0 }]);
    await record(id, token, 'lookup', [{ model: 'unknown-model', inputTokens: 10, outputTokens: 0 }]);
    const got = await cli('get', id);
    expect(got).toContain('usage     $4.00 + 1 unpriced call  1.0M in / 250.0k out  2 calls');
    expect(got).toMatch(/draft .* \$4\.00 1\.0M→250\.0k tok/);
    expect(got).toMatch(/lookup .* \? 10→0 tok/);
    // the event log carries each step's usage too, so `axme events` shows what a step cost as it happened
    const events = await cli('events', id);
    expect(events).toMatch(/STEP_COMPLETED .*"draft" .*attempt 1  \$4\.00 1\.0M→250\.0k tok/);
    expect(events).toMatch(/STEP_COMPLETED .*"lookup" .*attempt 1  \? 10→0 tok/);
    const table = await cli('usage', '--by', 'model', '--type', type, '--since', '1d');
    expect(table.split('\n')[0]).toMatch(/^model\s+cost\s+input\s+cached\s+output\s+calls\s+unpriced$/);
    expect(table).toMatch(/gpt-test\s+\$4\.00\s+1\.0M\s+0\s+250\.0k\s+1/);
    expect(table).toMatch(/unknown-model\s+\$0\.0000\s+10\s+0\s+0\s+1\s+1/);
    const json = JSON.parse(await cli('--json', 'usage', '--type', type));
    expect(json).toEqual([expect.objectContaining({ calls: 2, costUsd: 4, unpricedCalls: 1 })]);
  }, 60_000);
});
