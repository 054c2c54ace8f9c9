// Budgets the engine enforces (issue 19 part 2), through the TypeScript worker runtime over a
// listening server: an agent that keeps calling a fake LLM is stopped within one call of
// crossing its budget; with WAIT a human raises it and the run resumes from its recorded
// steps; FAIL ends it; children count against the ancestor's budget; day budgets per type;
// bad input is refused naming the field.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, type Axme } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import type { TestDb } from './helpers/db.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
let axme: Axme;
let tdb: TestDb;

useServed({}, (s) => ({ server, axme, tdb } = s));

let n = 0;
const uniqueType = () => `budget.t${++n}`;

async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[] }> {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json() as Promise<any>;
}

/** A fake LLM: each call costs $0.01 and 100 tokens, and is counted. */
function fakeLlm() {
  const calls: number[] = [];
  return {
    calls,
    call: (i: number) => {
      calls.push(i);
      return { text: `answer ${i}`, usage: { prompt_tokens: 60, completion_tokens: 40 }, model: 'fake-llm' };
    },
  };
}

/** An agent that calls the LLM in a loop of steps until it is told to stop (or `limit` calls). */
function agent(type: string, llm: ReturnType<typeof fakeLlm>, seen: { signals: AbortSignal[]; errors: unknown[] }, limit = 50) {
  return axme.worker({ types: [type], onError: () => {}, onHandlerError: (e) => seen.errors.push(e), waitSeconds: 1, heartbeatMs: 60_000 }, async (run) => {
    seen.signals.push(run.signal);
    const answers: string[] = [];
    for (let i = 0; i < limit; i++) {
      const r = await run.step(`llm:${i}`, () => llm.call(i), { usage: (x) => ({ model: x.model, inputTokens: x.usage.prompt_tokens, outputTokens: x.usage.completion_tokens, costUsd: 0.01 }) });
      answers.push(r.text);
      if (answers.length >= (run.input as { want: number }).want) break;
    }
    return { answers: answers.length };
  });
}

const until = async <T>(f: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

const BUDGET = 'budget { scope maxUsd maxTokens onExceeded spentUsd spentTokens exceeded }';

describe('an intent budget', () => {
  it('WAIT: stops the agent within one call of crossing it, and a human raise resumes it from its recorded steps', async () => {
    const type = uniqueType();
    const llm = fakeLlm();
    const seen = { signals: [] as AbortSignal[], errors: [] as unknown[] };
    const worker = agent(type, llm, seen);
    // $0.035: the 4th call ($0.04) crosses it
    const submitted = await axme.submit({ type, input: { want: 8 }, budget: { maxUsd: 0.035, onExceeded: 'WAIT' } });
    const waiting = await until(async () => {
      const i = await axme.get(submitted.id);
      return i?.status === 'WAITING' ? i : null;
    });
    expect(waiting.waitingFor).toBe('APPROVAL');
    // the crossing call is the 4th; the next lease call (the 4th step's record or the 5th's) answered BUDGET_EXCEEDED
    expect(llm.calls.length).toBeGreaterThanOrEqual(4);
    expect(llm.calls.length).toBeLessThanOrEqual(5);
    expect(seen.signals[0]!.aborted).toBe(true);
    expect(seen.signals[0]!.reason).toBeInstanceOf(BudgetExceededError);
    expect((seen.signals[0]!.reason as BudgetExceededError).details).toMatchObject({ budget: 'INTENT', maxUsd: 0.035, onExceeded: 'WAIT', limit: 'maxUsd' });
    const before = llm.calls.length;

    const r = await gql(`query($id: ID!) { intent(id: $id) { ${BUDGET} events(first: 100) { kind data } } approvals(filter: { intentId: $id, status: [PENDING] }) { nodes { id type options formSchema } } }`, { id: submitted.id });
    expect(r.errors).toBeUndefined();
    expect(r.data.intent.budget).toMatchObject({ scope: 'INTENT', maxUsd: 0.035, onExceeded: 'WAIT', spentTokens: before * 100, exceeded: true });
    expect(r.data.intent.budget.spentUsd).toBeCloseTo(before * 0.01);
    expect(r.data.intent.events.map((e: { kind: string }) => e.kind)).toContain('BUDGET_EXCEEDED');
    const [approval] = r.data.approvals.nodes;
    expect(approval).toMatchObject({ type: 'axme.budget', options: ['raise', 'stop'] });
    expect(approval.formSchema.properties.maxUsd.type).toBe('number');

    // a raise that does not clear what is spent is refused, naming the field, and changes nothing
    const low = await gql(`mutation($id: ID!) { resolveApproval(input: { approvalId: $id, outcome: "raise", data: { maxUsd: 0.01 } }) { status } }`, { id: approval.id });
    expect(low.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await axme.get(submitted.id))?.status).toBe('WAITING');

    const ok = await gql(`mutation($id: ID!) { resolveApproval(input: { approvalId: $id, outcome: "raise", data: { maxUsd: 1 } }) { status } }`, { id: approval.id });
    expect(ok.errors).toBeUndefined();
    const done = await axme.result(submitted.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done).toMatchObject({ status: 'COMPLETED', output: { answers: 8 } });
    // the resumed run got every call made before the stop from its step record (the refused
    // one's record is kept too): each of 0..7 was called exactly once
    expect(llm.calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // the worker never failed or completed it on its own after the stop
    expect(seen.errors.filter((e) => !(e instanceof BudgetExceededError))).toEqual([]);
  });

  it('FAIL: the intent fails with BUDGET_EXCEEDED, not retried, and the agent makes at most one more call', async () => {
    const type = uniqueType();
    const llm = fakeLlm();
    const seen = { signals: [] as AbortSignal[], errors: [] as unknown[] };
    const worker = agent(type, llm, seen);
    const submitted = await axme.submit({ type, input: { want: 20 }, maxAttempts: 5, budget: { maxTokens: 250 } });
    const done = await axme.result(submitted.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatchObject({ code: 'BUDGET_EXCEEDED', retryable: false, details: { budget: 'INTENT', maxTokens: 250, onExceeded: 'FAIL' } });
    // 300 tokens after the 3rd call crosses 250: the 3rd call + at most one more
    expect(llm.calls.length).toBeGreaterThanOrEqual(3);
    expect(llm.calls.length).toBeLessThanOrEqual(4);
    expect(done.attempt).toBe(1);
    expect(seen.signals[0]!.reason).toBeInstanceOf(BudgetExceededError);

    // an operator raises it and retries: the run goes on from its recorded steps
    const raise = await gql(`mutation($id: ID!) { setIntentBudget(id: $id, budget: { maxTokens: 100000 }) { maxTokens onExceeded exceeded } }`, { id: submitted.id });
    expect(raise.data.setIntentBudget).toEqual({ maxTokens: 100000, onExceeded: 'FAIL', exceeded: false });
    const before = llm.calls.length;
    const again = agent(type, llm, seen);
    await axme.retry(submitted.id);
    const finished = await axme.result(submitted.id, { signal: AbortSignal.timeout(20_000) });
    await again.stop();
    expect(finished.status).toBe('COMPLETED');
    expect(llm.calls.slice(before)[0]).toBe(before);
    expect(llm.calls).toEqual([...Array(20).keys()]);
    const none = await gql(`mutation($id: ID!) { setIntentBudget(id: $id, budget: { maxUsd: 1 }) { maxUsd } }`, { id: (await axme.submit({ type: 'budget.none', input: {} })).id });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('a lease call over budget answers BUDGET_EXCEEDED with which budget, its limit and what was spent', async () => {
    const type = uniqueType();
    const s = await axme.submit({ type, input: {}, budget: { maxUsd: 0.5 } });
    const [lease] = await axme.claimMany({ types: [type], agent: 'a', limit: 1 });
    const rec = await gql(`mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: s.id, leaseToken: lease!.token, name: 'big', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 10, outputTokens: 10, costUsd: 0.75 }] },
    });
    expect(rec.errors).toBeUndefined(); // the crossing call itself is recorded: its tokens were spent
    const hb = await gql(`mutation($id: ID!, $t: ID!) { heartbeatIntent(input: { id: $id, leaseToken: $t }) { expiresAt } }`, { id: s.id, t: lease!.token });
    expect(hb.errors?.[0]?.extensions).toMatchObject({ code: 'BUDGET_EXCEEDED', budget: 'INTENT', maxUsd: 0.5, spentUsd: 0.75, limit: 'maxUsd' });
    expect((await axme.get(s.id))?.status).toBe('FAILED');
    // afterwards the intent is finished: CONFLICT as for any finished intent
    const again = await gql(`mutation($id: ID!, $t: ID!) { heartbeatIntent(input: { id: $id, leaseToken: $t }) { expiresAt } }`, { id: s.id, t: lease!.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a batched complete over budget: the item answers BUDGET_EXCEEDED and its intent stops, the others complete', async () => {
    const type = uniqueType();
    const over = await axme.submit({ type, input: {}, budget: { maxTokens: 10 } });
    const fine = await axme.submit({ type, input: {} });
    const leases = await axme.claimMany({ types: [type], agent: 'a', limit: 2 });
    const token = (id: string) => leases.find((l) => l.intent.id === id)!.token;
    await gql(`mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: over.id, leaseToken: token(over.id), name: 'llm', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 20 }] },
    });
    const r = await gql(`mutation($items: [CompleteIntentInput!]!) { completeIntents(input: { items: $items }) { id error { code } intent { status } } }`, {
      items: [{ id: over.id, leaseToken: token(over.id), output: 1 }, { id: fine.id, leaseToken: token(fine.id), output: 2 }],
    });
    expect(r.data.completeIntents).toEqual([
      { id: over.id, error: { code: 'BUDGET_EXCEEDED' }, intent: null },
      { id: fine.id, error: null, intent: { status: 'COMPLETED' } },
    ]);
    expect((await axme.get(over.id))?.error?.code).toBe('BUDGET_EXCEEDED');
  });

  it('a completion carrying its last step over budget: BUDGET_EXCEEDED, the step kept, the intent stopped, not completed', async () => {
    const type = uniqueType();
    const s = await axme.submit({ type, input: {}, budget: { maxTokens: 10 } });
    const [lease] = await axme.claimMany({ types: [type], agent: 'a', limit: 1 });
    await gql(`mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: s.id, leaseToken: lease!.token, name: 'llm', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 20 }] },
    });
    const done = await gql(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { status } }`, {
      i: { id: s.id, leaseToken: lease!.token, output: { ok: true }, lastStep: { name: 'summary', durationMs: 1, output: 'x' } },
    });
    expect(done.errors?.[0]?.extensions?.code).toBe('BUDGET_EXCEEDED');
    const after = await axme.get(s.id);
    expect(after).toMatchObject({ status: 'FAILED', output: null, error: { code: 'BUDGET_EXCEEDED' } });
    expect((await axme.steps(s.id))!.map((x) => x.name)).toEqual(['llm', 'summary']);
  });

  it('children inherit the nearest budget, and their usage counts against every ancestor budget', async () => {
    const type = uniqueType();
    const parent = await axme.submit({ type: `${type}.parent`, input: {}, budget: { maxUsd: 0.05 } });
    const child = await axme.submit({ type, input: {}, parentId: parent.id });
    const own = await axme.submit({ type, input: {}, parentId: parent.id, budget: { maxTokens: 1000, onExceeded: 'WAIT' } });
    const r = await gql(`query($a: ID!, $b: ID!) { a: intent(id: $a) { ${BUDGET} } b: intent(id: $b) { budgets { scope intentId maxUsd maxTokens } } }`, { a: child.id, b: own.id });
    expect(r.data.a.budget).toMatchObject({ scope: 'INTENT', maxUsd: 0.05, onExceeded: 'FAIL' });
    expect(r.data.b.budgets).toEqual([
      { scope: 'INTENT', intentId: own.id, maxUsd: null, maxTokens: 1000 },
      { scope: 'INTENT', intentId: parent.id, maxUsd: 0.05, maxTokens: null },
    ]);
    const llm = fakeLlm();
    const seen = { signals: [] as AbortSignal[], errors: [] as unknown[] };
    const worker = agent(type, llm, seen);
    await axme.result(child.id, { signal: AbortSignal.timeout(20_000) }).catch(() => {});
    await until(async () => (await axme.get(own.id))?.status !== 'PENDING' && (await axme.get(own.id))?.status !== 'RUNNING');
    await worker.stop();
    // the two children share the parent's $0.05: together they were stopped within one call each of crossing it
    expect(llm.calls.length).toBeGreaterThanOrEqual(6);
    expect(llm.calls.length).toBeLessThanOrEqual(8);
    const p = await gql(`query($id: ID!) { intent(id: $id) { ${BUDGET} } }`, { id: parent.id });
    expect(p.data.intent.budget.spentUsd).toBeCloseTo(llm.calls.length * 0.01);
    expect(p.data.intent.budget.exceeded).toBe(true);
    // each follows the crossed budget's policy: the parent's FAIL
    expect((await axme.get(child.id))?.error?.code).toBe('BUDGET_EXCEEDED');
  });
});

describe('day budgets', () => {
  it('a type’s day budget stops its intents once the day’s usage crosses it; setBudget and budgets are the operator’s', async () => {
    const type = uniqueType();
    const set = await gql(`mutation($t: String) { setBudget(type: $t, maxUsd: 0.025) { type day maxUsd onExceeded spentUsd } }`, { t: type });
    expect(set.errors).toBeUndefined();
    expect(set.data.setBudget).toMatchObject({ type, maxUsd: 0.025, onExceeded: 'FAIL', spentUsd: 0, day: new Date().toISOString().slice(0, 10) });
    const llm = fakeLlm();
    const seen = { signals: [] as AbortSignal[], errors: [] as unknown[] };
    const worker = agent(type, llm, seen);
    const a = await axme.submit({ type, input: { want: 10 } });
    const done = await axme.result(a.id, { signal: AbortSignal.timeout(20_000) });
    expect(done.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { budget: 'TYPE', type, maxUsd: 0.025 } });
    expect(llm.calls.length).toBeLessThanOrEqual(4);
    // the next intent of the type that day stops at its first lease call
    const b = await axme.submit({ type, input: { want: 10 } });
    const next = await axme.result(b.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(next.error?.code).toBe('BUDGET_EXCEEDED');
    expect(llm.calls.length).toBeLessThanOrEqual(5);
    const list = await gql(`{ budgets { type maxUsd spentUsd } }`);
    expect(list.data.budgets.find((x: { type: string }) => x.type === type).spentUsd).toBeCloseTo(llm.calls.length * 0.01);
    // removing it: neither limit
    const off = await gql(`mutation($t: String) { setBudget(type: $t) { type } }`, { t: type });
    expect(off.data.setBudget).toBeNull();
  });

  it('counters move only where a day budget is set, and one set mid-day still counts the usage recorded before it', async () => {
    const type = uniqueType();
    const dayRows = async () => Number((await tdb.db.query(`select count(*) as n from day_usage where type in ('', $1)`, [type])).rows[0]!.n);
    const llm = fakeLlm();
    const seen = { signals: [] as AbortSignal[], errors: [] as unknown[] };
    const worker = agent(type, llm, seen);
    const early = await axme.submit({ type, input: { want: 3 } });
    expect((await axme.result(early.id, { signal: AbortSignal.timeout(20_000) })).status).toBe('COMPLETED');
    // no day budget for the type or the namespace: its steps wrote no counter row
    expect(await dayRows()).toBe(0);
    // set after those 3 calls ($0.03): its counter starts from them, so 0.05 is crossed after at most 3 more calls
    const set = await gql(`mutation($t: String) { setBudget(type: $t, maxUsd: 0.05) { spentUsd spentTokens } }`, { t: type });
    expect(set.data.setBudget).toEqual({ spentUsd: 0.03, spentTokens: 300 });
    const ns = await gql(`mutation { setBudget(maxTokens: 1000000000) { type spentTokens } }`);
    const recorded = await tdb.db.query(`select coalesce(sum(input_tokens + output_tokens), 0) as t from step_usage where recorded_at >= current_date`);
    expect(ns.data.setBudget).toEqual({ type: null, spentTokens: Number(recorded.rows[0]!.t) });
    const late = await axme.submit({ type, input: { want: 10 } });
    const done = await axme.result(late.id, { signal: AbortSignal.timeout(20_000) });
    await worker.stop();
    expect(done.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { budget: 'TYPE', type, maxUsd: 0.05 } });
    expect(llm.calls.length).toBeLessThanOrEqual(3 + 4);
    const list = await gql(`{ budgets { type spentUsd spentTokens } }`);
    expect(list.data.budgets.find((x: { type: string }) => x.type === type)).toMatchObject({ spentTokens: llm.calls.length * 100 });
    expect(list.data.budgets.find((x: { type: string | null }) => x.type === null).spentTokens).toBe(Number(recorded.rows[0]!.t) + (llm.calls.length - 3) * 100);
    await gql(`mutation { setBudget { type } }`);
    await gql(`mutation($t: String) { setBudget(type: $t) { type } }`, { t: type });
  });
});

describe('bad budget input', () => {
  it('is refused with BAD_USER_INPUT naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ maxUsd: -1 }, 'budget.maxUsd'],
      [{ maxUsd: 0 }, 'budget.maxUsd'],
      [{ maxTokens: 1.5 }, 'budget.maxTokens'],
      [{ maxTokens: -10 }, 'budget.maxTokens'],
      [{ onExceeded: 'WAIT' }, 'budget.maxUsd'],
    ];
    for (const [budget, field] of cases) {
      const r = await gql(`mutation($b: BudgetInput) { submitIntent(input: { type: "budget.bad", budget: $b }) { id } }`, { b: budget });
      expect(r.errors?.[0]?.extensions, JSON.stringify(budget)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const day = await gql(`mutation { setBudget(type: "x", maxUsd: 1e9) { type } }`);
    expect(day.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'budget.maxUsd' });
    expect((await axme.list({ type: ["budget.bad"] })).nodes).toEqual([]);
  });
});

describe('budgets in the CLI', () => {
  const cli = async (...args: string[]) => (await promisify(execFile)('bin/axme', ['--url', server.url, ...args], { timeout: 20_000 })).stdout;

  it('axme submit --budget-usd/--budget-tokens/--on-budget, axme get shows budget and spent, axme budgets lists and sets day budgets', async () => {
    const type = uniqueType();
    const submitted = JSON.parse(await cli('--json', 'submit', type, '--budget-usd', '0.5', '--budget-tokens', '20000', '--on-budget', 'wait'));
    const [lease] = await axme.claimMany({ types: [type], agent: 'cli', limit: 1 });
    await gql(`mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: submitted.id, leaseToken: lease!.token, name: 'draft', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 1500, outputTokens: 500, costUsd: 0.125 }] },
    });
    const got = await cli('get', submitted.id);
    expect(got).toContain('budget    $0.1250 of $0.5000, 2.0k of 20.0k tokens  (wait when exceeded)  [own]');
    const json = JSON.parse(await cli('--json', 'get', submitted.id));
    expect(json.budgets).toEqual([expect.objectContaining({ scope: 'INTENT', maxUsd: 0.5, maxTokens: 20000, spentUsd: 0.125, spentTokens: 2000, onExceeded: 'WAIT' })]);

    expect(await cli('budgets', 'set', '--type', type, '--usd', '3', '--on-exceeded', 'wait')).toMatch(new RegExp(`${type.replace('.', '\\.')}\\s+\\$0\\.1250 of \\$3\\.00\\s+\\(wait when exceeded\\)`));
    expect(await cli('budgets')).toContain(type);
    expect(await cli('budgets', 'set', '--type', type)).toContain('removed');
    await expect(cli('submit', type, '--on-budget', 'maybe')).rejects.toThrow(/expected wait or fail/);

    // crossed: the next lease call makes it wait; `axme budgets raise` answers the approval
    await gql(`mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: submitted.id, leaseToken: lease!.token, name: 'big', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 10, outputTokens: 10, costUsd: 0.5 }] },
    });
    await gql(`mutation($id: ID!, $t: ID!) { heartbeatIntent(input: { id: $id, leaseToken: $t }) { expiresAt } }`, { id: submitted.id, t: lease!.token });
    expect(await cli('get', submitted.id)).toMatch(/\$0\.6250 of \$0\.5000.*\[own\]  EXCEEDED/);
    const [approval] = JSON.parse(await cli('--json', 'approvals', '--intent', submitted.id)).nodes;
    await expect(cli('budgets', 'raise', approval.id, '--usd', '0.6')).rejects.toThrow(/maxUsd must be > 0\.625 \(BAD_USER_INPUT\)/);
    expect(await cli('budgets', 'raise', approval.id, '--usd', '2')).toContain(`intent ${submitted.id} resumes`);
    expect((await axme.get(submitted.id))?.status).toBe('PENDING');

    // a fork: the original's own limits, nothing spent; --budget-usd gives it its own
    const fork = JSON.parse(await cli('--json', 'fork', submitted.id));
    expect(JSON.parse(await cli('--json', 'get', fork.id)).budgets).toEqual([expect.objectContaining({ intentId: fork.id, maxUsd: 2, maxTokens: 20000, spentUsd: 0, onExceeded: 'WAIT' })]);
    const own = JSON.parse(await cli('--json', 'fork', submitted.id, '--budget-usd', '0.25'));
    expect(JSON.parse(await cli('--json', 'get', own.id)).budgets).toEqual([expect.objectContaining({ intentId: own.id, maxUsd: 0.25, maxTokens: null, spentUsd: 0, onExceeded: 'FAIL' })]);
  }, 60_000);
});
