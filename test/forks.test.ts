// Forking a run (migration 015), over a listening server with a real TypeScript worker:
// re-running an agent from its failed step after fixing its prompt without calling the
// earlier LLM steps again, two prompt variants from one step compared, a full replay of
// a completed run, the errors a bad fork gets, roles and namespace isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Axme } from '@axme/client';
import { createAxme } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import type { TestDb } from './helpers/db.ts';
import { useServed } from './helpers/served.ts';
import { post } from './helpers/live.ts';

let tdb: TestDb;
let server: RunningServer;
let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '50' }, (s) => ({ tdb, server, axme } = s));

let n = 0;
const uniqueType = () => `forks.t${++n}`;
const quiet = { onError: () => {}, onHandlerError: () => {}, waitSeconds: 1 };
const settled = (id: string) => axme.result(id, { signal: AbortSignal.timeout(20_000) });

/**
 * An agent of four steps, each a (fake) LLM call counted by step name: `summarize`
 * fails on a prompt containing "bad", the way a broken prompt fails a real run.
 */
function agent(type: string) {
  const calls: Record<string, number> = {};
  const llm = <T,>(step: string, answer: T): T => ((calls[step] = (calls[step] ?? 0) + 1), answer);
  const worker = axme.worker({ types: [type], ...quiet }, async (run) => {
    const { topic, prompt } = run.input as { topic: string; prompt: string };
    const sources = await run.step('search', () => llm('search', [`${topic}-a`, `${topic}-b`]));
    const notes = await run.step('read', () => llm('read', sources.map((s) => `notes on ${s}`)));
    const summary = await run.step('summarize', () => {
      llm('summarize', null);
      if (prompt.includes('bad')) throw new Error(`the model refused the prompt "${prompt}"`);
      return `${prompt}: ${notes.join('; ')}`;
    });
    const title = await run.step('title', () => llm('title', summary.slice(0, 12)));
    return { title, summary };
  });
  return { calls, worker };
}

const errorOf = (r: { errors?: any[] }) => ({ code: r.errors?.[0]?.extensions?.code, reason: r.errors?.[0]?.extensions?.reason });
const FORK = `mutation($input: ForkIntentInput!) { forkIntent(input: $input) { id status forkedFromId forkedFromStep forkedFromSeq } }`;

describe('forkIntent with a real worker', () => {
  it('re-runs a failed agent from its failed step with a fixed prompt, without calling the steps before it again', async () => {
    const type = uniqueType();
    const { calls, worker } = agent(type);
    try {
      const original = await axme.submit({ type, input: { topic: 'tides', prompt: 'bad prompt' }, maxAttempts: 1, labels: ['run:1'] });
      expect((await settled(original.id)).status).toBe('FAILED');
      expect(calls).toEqual({ search: 1, read: 1, summarize: 1 });

      const fork = await axme.fork(original.id, { fromStep: 'summarize', inputPatch: { prompt: 'Summarize' } });
      expect(fork).toMatchObject({ status: 'PENDING', type, forkedFromId: original.id, forkedFromStep: 'summarize', labels: ['run:1'] });
      expect(fork.input).toEqual({ topic: 'tides', prompt: 'Summarize' });
      const done = await settled(fork.id);
      expect(done.status).toBe('COMPLETED');
      expect(done.output).toEqual({ title: 'Summarize: n', summary: 'Summarize: notes on tides-a; notes on tides-b' });
      // search and read came from the original's records; summarize and title ran fresh
      expect(calls).toEqual({ search: 1, read: 1, summarize: 2, title: 1 });

      const steps = (await axme.steps(fork.id, { withOutput: true }))!;
      expect(steps.map((s) => [s.name, s.attempt, s.status])).toEqual([
        ['search', 0, 'COMPLETED'], ['read', 0, 'COMPLETED'], ['summarize', 1, 'COMPLETED'], ['title', 1, 'COMPLETED'],
      ]);
      expect(steps[0]!.output).toEqual(['tides-a', 'tides-b']);
      // the original is untouched, and lists its fork
      expect((await axme.get(original.id))!.status).toBe('FAILED');
      expect((await axme.forks(original.id))!.map((f) => f.id)).toEqual([fork.id]);

      // the fork's log says where it came from, then shows each copied step
      const events = await axme.events(fork.id);
      expect(events.slice(0, 3).map((e) => [e.seq, e.kind, e.data])).toEqual([
        [1, 'SUBMITTED', { forkedFrom: original.id, fromStep: 'summarize', fromSeq: fork.forkedFromSeq, copiedSteps: 2 }],
        [2, 'STEP_COMPLETED', expect.objectContaining({ name: 'search', attempt: 0, copiedFrom: { intentId: original.id, seq: 3 } })], // seq 2 is the original's CLAIMED
        [3, 'STEP_COMPLETED', expect.objectContaining({ name: 'read', attempt: 0, copiedFrom: { intentId: original.id, seq: 4 } })],
      ]);
      const linked = await post(server.url, `query($id: ID!) { intent(id: $id) { forkedFrom { id status } forks { id } } }`, { id: fork.id });
      expect(linked.data.intent).toEqual({ forkedFrom: { id: original.id, status: 'FAILED' }, forks: [] });
    } finally {
      await worker.stop();
    }
  });

  it('runs one input against two prompt variants from the same step, and the outputs can be compared', async () => {
    const type = uniqueType();
    const { calls, worker } = agent(type);
    try {
      const base = await axme.submit({ type, input: { topic: 'moss', prompt: 'Plain' } });
      expect((await settled(base.id)).status).toBe('COMPLETED');
      const variants = await Promise.all(['Terse', 'Verbose'].map((prompt) => axme.fork(base.id, { fromStep: 'summarize', inputPatch: { prompt } })));
      const outputs = await Promise.all(variants.map(async (v) => (await settled(v.id)).output as { summary: string }));
      expect(outputs.map((o) => o.summary)).toEqual([
        'Terse: notes on moss-a; notes on moss-b',
        'Verbose: notes on moss-a; notes on moss-b',
      ]);
      // search and read ran once, for the base run; summarize and title once per run
      expect(calls).toEqual({ search: 1, read: 1, summarize: 3, title: 3 });
      expect((await axme.forks(base.id))!.map((f) => f.id).sort()).toEqual(variants.map((v) => v.id).sort());
    } finally {
      await worker.stop();
    }
  });

  it('replays every step of a completed run, with no call made, when no step is given', async () => {
    const type = uniqueType();
    const { calls, worker } = agent(type);
    try {
      const base = await axme.submit({ type, input: { topic: 'salt', prompt: 'Once' } });
      const first = await settled(base.id);
      const replay = await axme.fork(base.id);
      expect(replay).toMatchObject({ forkedFromId: base.id, forkedFromStep: null, forkedFromSeq: null });
      expect((await settled(replay.id)).output).toEqual(first.output);
      expect(calls).toEqual({ search: 1, read: 1, summarize: 1, title: 1 });
    } finally {
      await worker.stop();
    }
  });

  it('forks from a step record by its seq, with a replacement input, a type and labels of its own', async () => {
    const type = uniqueType();
    const other = uniqueType();
    const { worker } = agent(type);
    const { calls, worker: otherWorker } = agent(other);
    try {
      const base = await axme.submit({ type, input: { topic: 'fern', prompt: 'One' } });
      await settled(base.id);
      const read = (await axme.steps(base.id))!.find((s) => s.name === 'read')!;
      const fork = await axme.fork(base.id, { fromSeq: read.seq, input: { topic: 'ivy', prompt: 'Two' }, type: other, labels: ['variant:b'] });
      expect(fork).toMatchObject({ type: other, labels: ['variant:b'], forkedFromStep: 'read', forkedFromSeq: read.seq });
      // search is copied (from the original topic); read and after run on the new input
      expect((await settled(fork.id)).output).toEqual({ title: 'Two: notes o', summary: 'Two: notes on fern-a; notes on fern-b' });
      expect(calls).toEqual({ read: 1, summarize: 1, title: 1 });
    } finally {
      await Promise.all([worker.stop(), otherWorker.stop()]);
    }
  });

  it('forks a fork, and a fork outlives its deleted original', async () => {
    const type = uniqueType();
    const { calls, worker } = agent(type);
    try {
      const base = await axme.submit({ type, input: { topic: 'reef', prompt: 'A' } });
      await settled(base.id);
      const first = await axme.fork(base.id, { fromStep: 'summarize', inputPatch: { prompt: 'B' } });
      await settled(first.id);
      // the second generation copies what the first copied and what it ran itself
      const second = await axme.fork(first.id, { fromStep: 'title' });
      expect((await settled(second.id)).output).toEqual({ title: 'B: notes on ', summary: 'B: notes on reef-a; notes on reef-b' });
      expect(calls).toEqual({ search: 1, read: 1, summarize: 2, title: 3 });
      expect((await axme.steps(second.id))!.map((s) => [s.name, s.attempt])).toEqual([['search', 0], ['read', 0], ['summarize', 0], ['title', 1]]);

      await tdb.db.query('delete from intents where id = $1', [base.id]); // as retention would
      const orphan = await post(server.url, `query($id: ID!) { intent(id: $id) { forkedFromId forkedFrom { id } forkedFromStep status } }`, { id: first.id });
      expect(orphan.data.intent).toEqual({ forkedFromId: null, forkedFrom: null, forkedFromStep: 'summarize', status: 'COMPLETED' });
      expect((await axme.steps(first.id))!.length).toBe(4);
    } finally {
      await worker.stop();
    }
  });

  it('forks a RUNNING intent with what it recorded so far', async () => {
    const type = uniqueType();
    await axme.submit({ type, input: {} });
    const [lease] = await axme.claimMany({ types: [type], limit: 1 });
    const rec = `mutation($input: RecordStepInput!) { recordStep(input: $input) { seq } }`;
    await post(server.url, rec, { input: { id: lease!.intent.id, leaseToken: lease!.token, name: 'one', output: 1, durationMs: 1 } });
    const fork = await axme.fork(lease!.intent.id);
    expect((await axme.steps(fork.id))!.map((s) => s.name)).toEqual(['one']);
    await post(server.url, rec, { input: { id: lease!.intent.id, leaseToken: lease!.token, name: 'two', output: 2, durationMs: 1 } });
    expect((await axme.steps(fork.id))!.map((s) => s.name)).toEqual(['one']);
  });
});

describe('forkIntent refuses', () => {
  it('an unknown step, both fromStep and fromSeq, both input and inputPatch, and an unknown intent, with stable codes', async () => {
    const type = uniqueType();
    const { worker } = agent(type);
    let id: string;
    try {
      id = (await axme.submit({ type, input: { topic: 'x', prompt: 'ok' } })).id;
      await settled(id);
    } finally {
      await worker.stop();
    }
    const cases: [Record<string, unknown>, { code: string; reason?: string }][] = [
      [{ id, fromStep: 'no such step' }, { code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STEP' }],
      [{ id, fromSeq: 999 }, { code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STEP' }],
      [{ id, fromStep: 'read', fromSeq: 2 }, { code: 'BAD_USER_INPUT', reason: 'FROM_STEP_AND_SEQ' }],
      [{ id, input: { a: 1 }, inputPatch: { b: 2 } }, { code: 'BAD_USER_INPUT', reason: 'INPUT_AND_PATCH' }],
      [{ id: '01900000-0000-7000-8000-000000000000' }, { code: 'NOT_FOUND' }],
      [{ id: 'not-an-id' }, { code: 'BAD_USER_INPUT' }],
    ];
    for (const [input, expected] of cases) {
      expect(errorOf(await post(server.url, FORK, { input })), JSON.stringify(input)).toMatchObject(expected);
    }
    // nothing was made by the refused forks
    expect(await axme.forks(id!)).toEqual([]);
  });

  it('answers the same fork for the same idempotency key, and CONFLICT for another input', async () => {
    const base = await axme.submit({ type: uniqueType(), input: { p: 1 } });
    const a = await axme.fork(base.id, { idempotencyKey: 'fork-once' });
    const b = await axme.fork(base.id, { idempotencyKey: 'fork-once' });
    expect(b.id).toBe(a.id);
    const c = await post(server.url, FORK, { input: { id: base.id, idempotencyKey: 'fork-once', inputPatch: { p: 2 } } });
    expect(errorOf(c).code).toBe('CONFLICT');
    expect((await axme.forks(base.id))!.length).toBe(1);
  });
});

describe('forks and budgets', () => {
  const BUDGETS = `query($id: ID!) { intent(id: $id) { budget { intentId maxUsd maxTokens onExceeded spentUsd spentTokens } budgets { scope intentId } } }`;
  const budgetsOf = async (id: string) => (await post(server.url, BUDGETS, { id })).data.intent;

  it('a fork carries the original’s own budget limits, spent from zero, unless forkIntent gives its own; no ancestor budget counts it', async () => {
    const type = uniqueType();
    const parent = await axme.submit({ type: `${type}.parent`, input: {}, budget: { maxUsd: 5 } });
    const original = await axme.submit({ type, input: {}, parentId: parent.id, budget: { maxUsd: 0.5, maxTokens: 1000, onExceeded: 'WAIT' } });
    const [lease] = await axme.claimMany({ types: [type], agent: 'a', limit: 1 });
    const rec = await post(server.url, `mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: original.id, leaseToken: lease!.token, name: 'llm', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 300, outputTokens: 100, costUsd: 0.25 }] },
    });
    expect(rec.errors).toBeUndefined();
    expect((await budgetsOf(original.id)).budget).toMatchObject({ intentId: original.id, spentUsd: 0.25, spentTokens: 400 });

    const same = await axme.fork(original.id);
    expect(await budgetsOf(same.id)).toEqual({
      budget: { intentId: same.id, maxUsd: 0.5, maxTokens: 1000, onExceeded: 'WAIT', spentUsd: 0, spentTokens: 0 },
      budgets: [{ scope: 'INTENT', intentId: same.id }],
    });
    const own = await axme.fork(original.id, { type: `${type}.own`, budget: { maxTokens: 50 } });
    expect((await budgetsOf(own.id)).budget).toEqual({ intentId: own.id, maxUsd: null, maxTokens: 50, onExceeded: 'FAIL', spentUsd: 0, spentTokens: 0 });
    expect(await budgetsOf((await axme.fork(original.id, { budget: {} })).id)).toEqual({ budget: null, budgets: [] });
    // a child without a budget of its own: its fork has none (the parent's does not follow it)
    const child = await axme.submit({ type: `${type}.child`, input: {}, parentId: parent.id });
    expect(await budgetsOf((await axme.fork(child.id)).id)).toEqual({ budget: null, budgets: [] });
    expect(errorOf(await post(server.url, FORK, { input: { id: original.id, budget: { maxUsd: -1 } } })).code).toBe('BAD_USER_INPUT');

    // the fork's own budget is enforced on its own spending (its copied step 'llm' spent nothing)
    const [forkLease] = await axme.claimMany({ types: [`${type}.own`], agent: 'a', limit: 1 });
    expect(forkLease!.intent.id).toBe(own.id);
    const ownRec = await post(server.url, `mutation($i: RecordStepInput!) { recordStep(input: $i) { seq } }`, {
      i: { id: own.id, leaseToken: forkLease!.token, name: 'llm:2', durationMs: 1, output: 1, usage: [{ model: 'm', inputTokens: 40, outputTokens: 20 }] },
    });
    expect(ownRec.errors).toBeUndefined();
    const hb = await post(server.url, `mutation($id: ID!, $t: ID!) { heartbeatIntent(input: { id: $id, leaseToken: $t }) { expiresAt } }`, { id: own.id, t: forkLease!.token });
    expect(hb.errors?.[0]?.extensions).toMatchObject({ code: 'BUDGET_EXCEEDED', budget: 'INTENT', maxTokens: 50, spentTokens: 60 });
    // and the original's spending is its own
    expect((await budgetsOf(original.id)).budget).toMatchObject({ spentUsd: 0.25, spentTokens: 400 });
  });
});

describe('forkIntent and keys', () => {
  let authed: RunningServer;
  const secrets: Record<string, string> = {};
  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' });
    const app = await createAxme(config, createLogger('silent'), { db: tdb.db, startSweeper: false });
    authed = await listen(app, createLogger('silent'));
    for (const [name, namespace, role] of [['agentA', 'team-a', 'agent'], ['viewerA', 'team-a', 'viewer'], ['agentB', 'team-b', 'agent']] as const) {
      secrets[name] = (await app.keys.create({ namespace, name, role })).secret;
    }
  });
  afterAll(() => authed?.shutdown());

  it('needs the agent role, and sees only its own namespace', async () => {
    const as = (who: string) => ({ authorization: `Bearer ${secrets[who]}` });
    const sub = await post(authed.url, `mutation { submitIntent(input: { type: "forks.keys", input: { p: 1 } }) { id } }`, undefined, as('agentA'));
    const id = sub.data.submitIntent.id as string;
    expect(errorOf(await post(authed.url, FORK, { input: { id } }, as('viewerA'))).code).toBe('FORBIDDEN');
    expect(errorOf(await post(authed.url, FORK, { input: { id } }, as('agentB'))).code).toBe('NOT_FOUND');
    const ok = await post(authed.url, FORK, { input: { id } }, as('agentA'));
    expect(ok.data.forkIntent.forkedFromId).toBe(id);
    // team-b cannot see the fork either, nor the link from the original
    const seen = await post(authed.url, `query($id: ID!) { intent(id: $id) { id } }`, { id: ok.data.forkIntent.id }, as('agentB'));
    expect(seen.data.intent).toBeNull();
  });
});
