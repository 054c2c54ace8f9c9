import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/core/clock.ts';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ env: { AXME_CLAIM_POLL_MS: '60000' } });
});
afterAll(() => t.close());

const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id status type input priority labels attempt maxAttempts lastSeq parent { id } } }`;
const CLAIM = `mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token expiresAt intent { id status attempt checkpoint lease { agent expiresAt } } } }`;
const COMPLETE = `mutation($input: CompleteIntentInput!) { completeIntent(input: $input) { id status output finishedAt lease { agent } } }`;
const FAIL = `mutation($input: FailIntentInput!) { failIntent(input: $input) { id status attempt error { message code retryable details } } }`;
const CHECKPOINT = `mutation($input: CheckpointIntentInput!) { checkpointIntent(input: $input) { id checkpoint lastSeq } }`;
const HEARTBEAT = `mutation($input: HeartbeatIntentInput!) { heartbeatIntent(input: $input) { token expiresAt } }`;

let n = 0;
const uniqueType = () => `api.t${++n}`;
const submit = async (input: Record<string, unknown>) => ok(await t.gql(SUBMIT, { input })).submitIntent;
const claim = async (types: string[], extra: Record<string, unknown> = {}) =>
  ok(await t.gql(CLAIM, { input: { types, agent: 'agent-7', ...extra } })).claimIntent;

/** Everything stored, as one string: to prove a refused request changed nothing. */
async function fingerprint(): Promise<string> {
  const { rows } = await t.app.db.query<{ f: string }>(`
    select coalesce((select md5(string_agg(i::text, ',' order by i.id)) from intents i), '') ||
           coalesce((select md5(string_agg(e::text, ',' order by e.id)) from intent_events e), '') as f`);
  return rows[0]!.f;
}

describe('the walk-through: submit, claim, checkpoint, complete, read the history', () => {
  it('works end to end', async () => {
    const type = uniqueType();
    const intent = await submit({ type, input: { question: 'why?' }, labels: ['demo'], priority: 3 });
    expect(intent).toMatchObject({ status: 'PENDING', type, input: { question: 'why?' }, labels: ['demo'], priority: 3, attempt: 0, maxAttempts: 3, lastSeq: 1 });

    const lease = await claim([type]);
    expect(lease.intent).toMatchObject({ id: intent.id, status: 'RUNNING', attempt: 1, lease: { agent: 'agent-7' } });

    const cp = ok(await t.gql(CHECKPOINT, { input: { id: intent.id, leaseToken: lease.token, checkpoint: { step: 'searched' } } })).checkpointIntent;
    expect(cp).toMatchObject({ checkpoint: { step: 'searched' }, lastSeq: 3 });

    const done = ok(await t.gql(COMPLETE, { input: { id: intent.id, leaseToken: lease.token, output: { answer: 'because' } } })).completeIntent;
    expect(done).toMatchObject({ status: 'COMPLETED', output: { answer: 'because' }, lease: null });
    expect(done.finishedAt).toBeTruthy();

    const read = ok(await t.gql(`query($id: ID!) { intent(id: $id) { status events { seq kind status actor } attempts { number agent outcome } } }`, { id: intent.id })).intent;
    expect(read.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED', 'COMPLETED']);
    expect(read.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
    // the agent is the actor of what it does under its lease
    expect(read.events.map((e: { actor: string | null }) => e.actor)).toEqual([null, 'agent-7', 'agent-7', 'agent-7']);
    expect(read.attempts).toEqual([{ number: 1, agent: 'agent-7', outcome: 'COMPLETED' }]);

    const after = ok(await t.gql(`query($id: ID!) { intentEvents(intentId: $id, after: 2) { seq kind } }`, { id: intent.id })).intentEvents;
    expect(after).toEqual([{ seq: 3, kind: 'CHECKPOINTED' }, { seq: 4, kind: 'COMPLETED' }]);
  });

  it('keeps every failed attempt readable and lets an operator retry under the same id', async () => {
    const type = uniqueType();
    const intent = await submit({ type, maxAttempts: 2 });
    for (const msg of ['rate limited', 'timeout']) {
      const lease = await claim([type]);
      ok(await t.gql(FAIL, { input: { id: intent.id, leaseToken: lease.token, error: { message: msg, code: 'E_LLM', details: { provider: 'x' } } } }));
      (t.clock as ManualClock).advance(600_000); // past the retry backoff
    }
    const failed = ok(await t.gql(`query($id: ID!) { intent(id: $id) { status attempt error { message } attempts { number outcome error { message code details } } } }`, { id: intent.id })).intent;
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts).toEqual([
      { number: 1, outcome: 'RETRY_SCHEDULED', error: { message: 'rate limited', code: 'E_LLM', details: { provider: 'x' } } },
      { number: 2, outcome: 'FAILED', error: { message: 'timeout', code: 'E_LLM', details: { provider: 'x' } } },
    ]);
    const retried = ok(await t.gql(`mutation($id: ID!) { retryIntent(input: { id: $id }) { id status attempt error { message } } }`, { id: intent.id })).retryIntent;
    expect(retried).toEqual({ id: intent.id, status: 'PENDING', attempt: 2, error: { message: 'timeout' } });
  });
});

describe('idempotency', () => {
  it('returns the same intent for the same key and input, also when the submits race', async () => {
    const type = uniqueType();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(SUBMIT, { input: { type, input: { x: 1 }, idempotencyKey: 'order-1' } })));
    const ids = new Set(results.map((r) => ok(r).submitIntent.id));
    expect(ids.size).toBe(1);
    const list = ok(await t.gql(`query($t: [String!]) { intents(filter: { type: $t }) { totalCount } }`, { t: [type] })).intents;
    expect(list.totalCount).toBe(1);
  });

  it('refuses the same key with another input with CONFLICT, naming the existing intent', async () => {
    const type = uniqueType();
    const first = await submit({ type, input: { x: 1 }, idempotencyKey: 'order-2' });
    const r = await t.gql(SUBMIT, { input: { type, input: { x: 2 }, idempotencyKey: 'order-2' } });
    expect(code(r)).toBe('CONFLICT');
    expect(r.errors![0]!.extensions!.intentId).toBe(first.id);
  });
});

describe('claiming', () => {
  it('long-polls: a waiting claim gets an intent submitted after it started, through the wake-up', async () => {
    // AXME_CLAIM_POLL_MS is 60 s here, so only the wake-up can answer before the test times out
    const type = uniqueType();
    const waiting = claim([type], { waitSeconds: 30 });
    await new Promise((r) => setTimeout(r, 100));
    const intent = await submit({ type });
    expect((await waiting).intent.id).toBe(intent.id);
  }, 10_000);

  it('answers null when nothing arrives within waitSeconds', async () => {
    expect(await claim([uniqueType()], { waitSeconds: 1 })).toBeNull();
  });

  it('fences: a token from an earlier claim fails with LEASE_LOST', async () => {
    const type = uniqueType();
    const intent = await submit({ type });
    const lease = await claim([type], { leaseSeconds: 5 });
    (t.clock as ManualClock).advance(6_000);
    const hb = await t.gql(HEARTBEAT, { input: { id: intent.id, leaseToken: lease.token } });
    expect(code(hb)).toBe('LEASE_LOST');
  });
});

describe('listing', () => {
  it('filters by status, type, parent and label, newest first, with cursors and totalCount', async () => {
    const type = uniqueType();
    const parent = await submit({ type, labels: ['p'] });
    const kids = [];
    for (let i = 0; i < 5; i++) {
      (t.clock as ManualClock).advance(1);
      kids.push(await submit({ type, parentId: parent.id, labels: i % 2 ? ['odd', 'kid'] : ['kid'] }));
    }
    expect(kids[0].parent).toEqual({ id: parent.id });
    const LIST = `query($f: IntentFilter, $first: Int, $after: String) { intents(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`;
    const page1 = ok(await t.gql(LIST, { f: { parentId: parent.id }, first: 2 })).intents;
    expect(page1.totalCount).toBe(5);
    expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([kids[4].id, kids[3].id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await t.gql(LIST, { f: { parentId: parent.id }, first: 10, after: page1.pageInfo.endCursor })).intents;
    expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([kids[2].id, kids[1].id, kids[0].id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const odd = ok(await t.gql(LIST, { f: { type: [type], label: ['odd', 'kid'] } })).intents;
    expect(odd.totalCount).toBe(2);
    const lease = await claim([type]);
    const running = ok(await t.gql(LIST, { f: { type: [type], status: ['RUNNING'] } })).intents;
    expect(running.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([lease.intent.id]);
  });
});

describe('bad input gets a coded error and changes nothing', () => {
  const cases: [string, string, Record<string, unknown> | undefined, string][] = [
    ['malformed id', `{ intent(id: "not-an-id") { id } }`, undefined, 'BAD_USER_INPUT'],
    ['unknown id on a mutation', `mutation { cancelIntent(input: { id: "01900000-0000-7000-8000-000000000000" }) { id } }`, undefined, 'NOT_FOUND'],
    ['unknown id on retry', `mutation { retryIntent(input: { id: "01900000-0000-7000-8000-000000000000" }) { id } }`, undefined, 'NOT_FOUND'],
    ['events of an unknown intent', `{ intentEvents(intentId: "01900000-0000-7000-8000-000000000000") { seq } }`, undefined, 'NOT_FOUND'],
    ['wrong variable type', SUBMIT, { input: { type: 'x', priority: 'high' } }, 'BAD_USER_INPUT'],
    ['missing required field', SUBMIT, { input: { input: {} } }, 'BAD_USER_INPUT'],
    ['negative priority', SUBMIT, { input: { type: 'x', priority: -1 } }, 'BAD_USER_INPUT'],
    ['absurd priority', SUBMIT, { input: { type: 'x', priority: 1e9 } }, 'BAD_USER_INPUT'],
    ['maxAttempts of 0', SUBMIT, { input: { type: 'x', maxAttempts: 0 } }, 'BAD_USER_INPUT'],
    ['empty type', SUBMIT, { input: { type: '' } }, 'BAD_USER_INPUT'],
    ['type with spaces', SUBMIT, { input: { type: 'a b' } }, 'BAD_USER_INPUT'],
    ['invalid runAt', SUBMIT, { input: { type: 'x', runAt: 'tomorrow' } }, 'BAD_USER_INPUT'],
    ['malformed parentId', SUBMIT, { input: { type: 'x', parentId: '42' } }, 'BAD_USER_INPUT'],
    ['unknown parent', SUBMIT, { input: { type: 'x', parentId: '01900000-0000-7000-8000-000000000000' } }, 'NOT_FOUND'],
    ['oversized input', SUBMIT, { input: { type: 'x', input: { blob: 'x'.repeat(1024 * 1024 + 1) } } }, 'PAYLOAD_TOO_LARGE'],
    ['negative leaseSeconds', CLAIM, { input: { types: ['x'], leaseSeconds: -5 } }, 'BAD_USER_INPUT'],
    ['absurd leaseSeconds', CLAIM, { input: { types: ['x'], leaseSeconds: 10_000_000 } }, 'BAD_USER_INPUT'],
    ['absurd waitSeconds', CLAIM, { input: { types: ['x'], waitSeconds: 100_000 } }, 'BAD_USER_INPUT'],
    ['no types', CLAIM, { input: { types: [] } }, 'BAD_USER_INPUT'],
    ['unknown status in a filter', `{ intents(filter: { status: [DONE] }) { totalCount } }`, undefined, 'BAD_USER_INPUT'],
    ['unknown status in a filter variable', `query($s: [IntentStatus!]) { intents(filter: { status: $s }) { totalCount } }`, { s: ['DONE'] }, 'BAD_USER_INPUT'],
    ['invalid cursor', `{ intents(after: "bm9wZQ") { totalCount } }`, undefined, 'BAD_USER_INPUT'],
    ['page too large', `{ intents(first: 100000) { totalCount } }`, undefined, 'BAD_USER_INPUT'],
    ['unknown field', `{ intent(id: "x") { nope } }`, undefined, 'BAD_USER_INPUT'],
    ['syntax error', `{ intent(id: `, undefined, 'BAD_USER_INPUT'],
    ['malformed lease token', COMPLETE, { input: { id: '01900000-0000-7000-8000-000000000000', leaseToken: 'abc' } }, 'BAD_USER_INPUT'],
  ];

  for (const [name, query, variables, expected] of cases) {
    it(name, async () => {
      const before = await fingerprint();
      const r = await t.gql(query, variables);
      expect(code(r)).toBe(expected);
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.errors)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
      expect(await fingerprint()).toBe(before);
    });
  }

  it('a completed intent completed again: CONFLICT, output unchanged', async () => {
    const type = uniqueType();
    const intent = await submit({ type });
    const lease = await claim([type]);
    ok(await t.gql(COMPLETE, { input: { id: intent.id, leaseToken: lease.token, output: 1 } }));
    const before = await fingerprint();
    for (const q of [
      t.gql(COMPLETE, { input: { id: intent.id, leaseToken: lease.token, output: 2 } }),
      t.gql(FAIL, { input: { id: intent.id, leaseToken: lease.token, error: { message: 'x' } } }),
      t.gql(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { id } }`, { id: intent.id }),
    ]) {
      const r = await q;
      expect(code(r)).toBe('CONFLICT');
      expect(r.errors![0]!.extensions!.status).toBe('COMPLETED');
    }
    expect(await fingerprint()).toBe(before);
  });

  it('an unknown intent reads as null', async () => {
    expect(ok(await t.gql(`{ intent(id: "01900000-0000-7000-8000-000000000000") { id } }`)).intent).toBeNull();
  });

  it('a body that is not JSON is a BAD_USER_INPUT', async () => {
    const res = await t.app.yoga.fetch('http://axme.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBeLessThan(500);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('HTTP surface', () => {
  it('serves GraphiQL on /graphql to browsers', async () => {
    const res = await t.app.yoga.fetch('http://axme.test/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/graphiql/i);
  });

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.yoga.fetch('http://axme.test/healthz')).status).toBe(200);
    expect((await t.app.yoga.fetch('http://axme.test/readyz')).status).toBe(200);
  });
});
