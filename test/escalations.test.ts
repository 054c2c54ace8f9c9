// Failure escalation (issue 19 part 4) over a listening server with a real TypeScript
// worker: an intent whose retry policy says onExhausted ESCALATE waits for a human on an
// axme.escalation approval instead of ending FAILED; the human forks it with an edited
// input (the steps before the chosen one not run again), retries it as is, or fails it.
// Also: the type default and the server default, and the bad input a policy or a decision gets.
import { describe, expect, it } from 'vitest';
import { NonRetryableError, createClient, type Axme } from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import type { RunningServer } from '../src/server.ts';
import type { TestDb } from './helpers/db.ts';
import { post } from './helpers/live.ts';
import { listenOn, useServed } from './helpers/served.ts';

let tdb: TestDb;
let server: RunningServer;
let axme: Axme;
useServed({ AXME_CLAIM_POLL_MS: '50' }, (s) => ({ tdb, server, axme } = s));

let n = 0;
const uniqueType = () => `escalations.t${++n}`;
const quiet = { onError: () => {}, onHandlerError: () => {}, waitSeconds: 1 };
const ESCALATE = { onExhausted: 'ESCALATE' as const, initialIntervalSeconds: 0, maxIntervalSeconds: 0 };

const INTENT = `status waitingFor attempt maxAttempts error { code message retryable }
  approvals { id type status title description options formSchema result }
  events { kind status data } forks { id }`;
async function intent(id: string, url = server.url) {
  const r = await post(url, `query($id: ID!) { intent(id: $id) { ${INTENT} } }`, { id });
  return r.data.intent;
}

/** Polls until `ok` holds (the worker and the sweeper work in their own time). */
async function until(id: string, ok: (i: any) => boolean, url = server.url) {
  for (let i = 0; i < 600; i++) {
    const cur = await intent(id, url);
    if (ok(cur)) return cur;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`intent ${id} never got there: ${JSON.stringify(await intent(id, url))}`);
}
const escalated = (id: string, url?: string) => until(id, (i) => i.status === 'WAITING' && i.waitingFor === 'APPROVAL', url);

const RESOLVE = `mutation($input: ResolveApprovalInput!) { resolveApproval(input: $input) { id status outcome data result } }`;
const decide = (approvalId: string, outcome: string, data?: unknown) => post(server.url, RESOLVE, { input: { approvalId, outcome, data } });
const errorOf = (r: { errors?: any[] }) => ({ code: r.errors?.[0]?.extensions?.code, field: r.errors?.[0]?.extensions?.field, reason: r.errors?.[0]?.extensions?.reason });

/** An agent of three steps whose `draft` fails on a prompt containing "bad", counting each step's calls. */
function agent(type: string) {
  const calls: Record<string, number> = {};
  const count = (step: string) => (calls[step] = (calls[step] ?? 0) + 1);
  const worker = axme.worker({ types: [type], ...quiet }, async (run) => {
    const { topic, prompt } = run.input as { topic: string; prompt: string };
    const sources = await run.step('search', () => (count('search'), [`${topic}-a`, `${topic}-b`]));
    const draft = await run.step('draft', () => {
      count('draft');
      if (prompt.includes('bad')) throw new Error(`the model refused the prompt "${prompt}"`);
      return `${prompt}: ${sources.join(', ')}`;
    });
    return { draft };
  });
  return { calls, worker };
}

describe('an exhausted intent escalates to a human', () => {
  it('waits on an axme.escalation approval after its attempts; the human forks it from a step with an edited input; the fork completes, the original ends FAILED naming it', async () => {
    const type = uniqueType();
    const { calls, worker } = agent(type);
    try {
      const original = await axme.submit({ type, input: { topic: 'tides', prompt: 'bad prompt' }, maxAttempts: 2, retry: ESCALATE });
      const waiting = await escalated(original.id);
      // the search step ran once: the second attempt replayed its record
      expect(calls).toEqual({ search: 1, draft: 2 });
      expect(waiting).toMatchObject({ attempt: 2, maxAttempts: 2, error: { message: 'the model refused the prompt "bad prompt"' } });
      const [approval] = waiting.approvals;
      expect(approval).toMatchObject({ type: 'axme.escalation', status: 'PENDING', options: ['retry', 'fork', 'fail'] });
      expect(approval.description).toContain('Attempt 2');
      expect(approval.description).toContain('the model refused the prompt "bad prompt"');
      const last = waiting.events.at(-1);
      expect(last).toMatchObject({ kind: 'FAILURE_ESCALATED', status: 'WAITING', data: { attempt: 2, maxAttempts: 2, approvalId: approval.id } });
      // not FAILED, so not a settled result: nothing else moved it
      expect(waiting.events.map((e: any) => e.kind)).not.toContain('FAILED');

      const r = await decide(approval.id, 'fork', { fromStep: 'draft', inputPatch: { prompt: 'Summarize' } });
      expect(r.errors).toBeUndefined();
      // the same decision again answers the stored approval (resolveApproval is idempotent), no second fork
      expect((await decide(approval.id, 'fork', { fromStep: 'draft', inputPatch: { prompt: 'Summarize' } })).data.resolveApproval.result).toEqual(r.data.resolveApproval.result);
      const forkedTo = r.data.resolveApproval.result.forkedTo as string;
      expect(r.data.resolveApproval).toMatchObject({ status: 'RESOLVED', outcome: 'fork', result: { forkedTo, fromStep: 'draft' } });

      const done = await axme.result(forkedTo, { signal: AbortSignal.timeout(20_000) });
      expect(done).toMatchObject({ status: 'COMPLETED', forkedFromId: original.id, output: { draft: 'Summarize: tides-a, tides-b' } });
      // search came from the original's record; only draft ran again
      expect(calls).toEqual({ search: 1, draft: 3 });

      const ended = await intent(original.id);
      expect(ended).toMatchObject({ status: 'FAILED', error: { message: 'the model refused the prompt "bad prompt"' }, forks: [{ id: forkedTo }] });
      expect(ended.events.at(-1)).toMatchObject({ kind: 'APPROVAL_RESOLVED', status: 'FAILED', data: { outcome: 'fork', forkedTo, approvalId: approval.id } });
    } finally {
      await worker.stop();
    }
  });

  it('retry as is: PENDING with a new round as long as the first; it escalates again after that round, and `attempts` sets another size', async () => {
    const type = uniqueType();
    let failures = 4;
    const worker = axme.worker({ types: [type], ...quiet }, async () => {
      if (failures-- > 0) throw new Error('upstream down');
      return 'ok';
    });
    try {
      const i = await axme.submit({ type, maxAttempts: 2, retry: ESCALATE });
      const first = await escalated(i.id);
      const r1 = await decide(first.approvals[0].id, 'retry');
      expect(r1.data.resolveApproval.result).toEqual({ attempts: 2, maxAttempts: 4 });
      // attempts 3 and 4 fail too: escalated again, the round as long as the first
      const second = await until(i.id, (x) => x.status === 'WAITING' && x.approvals.length === 2);
      expect(second).toMatchObject({ attempt: 4, maxAttempts: 4 });
      // the client's typed helper
      const r2 = await axme.decideEscalation(second.approvals[0].id, 'retry', { attempts: 1 });
      expect(r2).toMatchObject({ status: 'RESOLVED', outcome: 'retry', result: { attempts: 1, maxAttempts: 5 }, forkedTo: null });
      const done = await axme.result(i.id, { signal: AbortSignal.timeout(20_000) });
      expect(done).toMatchObject({ status: 'COMPLETED', attempt: 5, output: 'ok' });
      const kinds = (await intent(i.id)).events.map((e: any) => e.kind);
      expect(kinds.filter((k: string) => k === 'FAILURE_ESCALATED')).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });

  it('a non-retryable error escalates at once; fail ends it FAILED with the last error, as without escalation', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async (run) => {
      await run.step('check', () => 1);
      throw new NonRetryableError('input is malformed');
    });
    try {
      const i = await axme.submit({ type, maxAttempts: 5, retry: ESCALATE });
      const waiting = await escalated(i.id);
      expect(waiting).toMatchObject({ attempt: 1, error: { message: 'input is malformed', retryable: false } });
      expect(waiting.approvals[0].description).toContain('not retryable');
      const r = await decide(waiting.approvals[0].id, 'fail');
      expect(r.data.resolveApproval).toMatchObject({ outcome: 'fail', result: null });
      const ended = await intent(i.id);
      expect(ended).toMatchObject({ status: 'FAILED', error: { message: 'input is malformed', retryable: false }, forks: [] });
    } finally {
      await worker.stop();
    }
  });

  it('FAIL (the default) still ends FAILED; a type default of ESCALATE applies to intents that set none', async () => {
    const type = uniqueType();
    const worker = axme.worker({ types: [type], ...quiet }, async () => { throw new Error('nope'); });
    try {
      const plain = await axme.submit({ type, maxAttempts: 1 });
      expect((await axme.result(plain.id, { signal: AbortSignal.timeout(20_000) })).status).toBe('FAILED');
      const set = await post(server.url, `mutation { setIntentTypePolicy(type: "${type}", retry: { onExhausted: ESCALATE, escalateTo: ["alice"], escalateTimeoutSeconds: 3600 }) { retry { onExhausted escalateTo escalateTimeoutSeconds } } }`);
      expect(set.data.setIntentTypePolicy.retry).toEqual({ onExhausted: 'ESCALATE', escalateTo: ['alice'], escalateTimeoutSeconds: 3600 });
      const byType = await axme.submit({ type, maxAttempts: 1 });
      const waiting = await escalated(byType.id);
      expect(waiting.approvals[0]).toMatchObject({ type: 'axme.escalation' });
      const a = (await axme.approval(waiting.approvals[0].id))!;
      expect(a.assignees).toEqual(['alice']);
      expect(a.expiresAt).not.toBeNull();
      // the intent's own FAIL wins over its type's ESCALATE
      const own = await axme.submit({ type, maxAttempts: 1, retry: { onExhausted: 'FAIL' } });
      expect((await axme.result(own.id, { signal: AbortSignal.timeout(20_000) })).status).toBe('FAILED');
      await decide(a.id, 'fail');
    } finally {
      await worker.stop();
    }
  });

  it('AXME_ON_EXHAUSTED=ESCALATE makes escalation the server default', async () => {
    const other = await listenOn(tdb, { AXME_CLAIM_POLL_MS: '50', AXME_ON_EXHAUSTED: 'ESCALATE' });
    const client = createClient({ url: other.url });
    const type = uniqueType();
    const worker = client.worker({ types: [type], ...quiet }, async () => { throw new Error('nope'); });
    try {
      const i = await client.submit({ type, maxAttempts: 1 });
      const waiting = await escalated(i.id, other.url);
      expect(waiting.approvals[0].type).toBe('axme.escalation');
      await post(other.url, RESOLVE, { input: { approvalId: waiting.approvals[0].id, outcome: 'fail' } });
    } finally {
      await worker.stop();
      await other.shutdown();
    }
    expect(() => loadConfig({ AXME_ON_EXHAUSTED: 'maybe' })).toThrow(/AXME_ON_EXHAUSTED=maybe/);
  });
});

describe('bad input', () => {
  it('a bad policy is refused naming the field', async () => {
    const SUBMIT = `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`;
    const bad = async (retry: unknown) => errorOf(await post(server.url, SUBMIT, { i: { type: 'x', retry } }));
    expect(await bad({ onExhausted: 'ESCALATE', escalateTimeoutSeconds: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'retry.escalateTimeoutSeconds' });
    expect(await bad({ escalateTo: ['a'.repeat(201)] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'retry.escalateTo' });
    expect((await post(server.url, SUBMIT, { i: { type: 'x', retry: { onExhausted: 'MAYBE' } } })).errors?.[0]?.message).toMatch(/OnExhausted/);
    const typed = await post(server.url, `mutation { setIntentTypePolicy(type: "x", retry: { escalateTimeoutSeconds: -1 }) { type } }`);
    expect(errorOf(typed)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'retry.escalateTimeoutSeconds' });
  });

  it('a bad decision is refused and leaves the escalation PENDING', async () => {
    const type = uniqueType();
    const { worker } = agent(type);
    try {
      const i = await axme.submit({ type, input: { topic: 't', prompt: 'bad' }, maxAttempts: 1, retry: ESCALATE });
      const id = (await escalated(i.id)).approvals[0].id;
      expect(errorOf(await decide(id, 'maybe'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'outcome' });
      expect(errorOf(await decide(id, 'fork', { input: {}, inputPatch: {} }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INPUT_AND_PATCH' });
      expect(errorOf(await decide(id, 'fork', { fromStep: 'nowhere' }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_STEP' });
      expect(errorOf(await decide(id, 'retry', { fromStep: 'draft' }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'FORK_FIELDS_ON_RETRY' });
      expect(errorOf(await decide(id, 'retry', { attempts: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(errorOf(await decide(id, 'fork', { prompt: 'x' }))).toMatchObject({ code: 'BAD_USER_INPUT' });
      const still = await intent(i.id);
      expect(still).toMatchObject({ status: 'WAITING', forks: [] });
      expect(still.approvals[0]).toMatchObject({ status: 'PENDING', result: null });
      expect((await decide(id, 'fork', { input: { topic: 't', prompt: 'good' } })).data.resolveApproval.result.forkedTo).toBeTruthy();
    } finally {
      await worker.stop();
    }
  });
});
