// The contract over a real network: a listening server on an ephemeral port, Node's
// own fetch and a real WebSocket client, on whichever backend the run uses. The
// in-process yoga.fetch tests are faster, but a claim that failed only over real HTTP
// (yoga's request signal is not a native AbortSignal) passed every one of them.
// .ci/run runs this file on the pinned Node 24 and on Node 22.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, REDIS_URL, sseSubscribe, startInstance, testPrefix, wsClient, wsSubscribe } from './helpers/live.ts';

let tdb: TestDb;
let server: Instance;
beforeAll(async () => {
  tdb = await freshDb();
  server = await startInstance(tdb.db, REDIS_URL ? { REDIS_URL, AXME_REDIS_PREFIX: testPrefix() } : {});
});
afterAll(async () => {
  await server?.running.shutdown();
  await tdb?.close();
});

let n = 0;
const uniqueType = () => `net.t${++n}.${Date.now()}`;

interface Answer<T> { status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }

async function gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...(await res.json()) };
}

async function must<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await gql<T>(query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${r.status} ${JSON.stringify(r.errors)}`);
  return r.data;
}

const SUBMIT = `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id status } }`;
const CLAIM = `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id status attempt input checkpoint } } }`;
const submit = async (type: string, extra: Record<string, unknown> = {}) =>
  (await must(SUBMIT, { i: { type, input: { q: 1 }, ...extra } })).submitIntent as { id: string; status: string };
const claim = async (type: string, extra: Record<string, unknown> = {}) =>
  (await must(CLAIM, { i: { types: [type], agent: 'net-agent', ...extra } })).claimIntent as
    | { token: string; intent: { id: string; status: string; attempt: number; input: unknown; checkpoint: unknown } }
    | null;

describe('the intent lifecycle over real HTTP', () => {
  it('submits, claims, heartbeats, checkpoints and completes', async () => {
    const type = uniqueType();
    const { id } = await submit(type);
    const lease = await claim(type, { leaseSeconds: 30 });
    expect(lease).toMatchObject({ intent: { id, status: 'RUNNING', attempt: 1, input: { q: 1 } } });
    const hb = await must(`mutation($i: HeartbeatIntentInput!) { heartbeatIntent(input: $i) { token expiresAt } }`,
      { i: { id, leaseToken: lease!.token, leaseSeconds: 60 } });
    expect(hb.heartbeatIntent.token).toBe(lease!.token);
    const cp = await must(`mutation($i: CheckpointIntentInput!) { checkpointIntent(input: $i) { checkpoint } }`,
      { i: { id, leaseToken: lease!.token, checkpoint: { step: 1 } } });
    expect(cp.checkpointIntent.checkpoint).toEqual({ step: 1 });
    const done = await must(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { status output error { code } } }`,
      { i: { id, leaseToken: lease!.token, output: { ok: true } } });
    expect(done.completeIntent).toEqual({ status: 'COMPLETED', output: { ok: true }, error: null });
    const events = await must(`query($id: ID!) { intent(id: $id) { events { seq kind } } }`, { id });
    expect(events.intent.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED', 'COMPLETED']);
  });

  it('answers an empty claim with null, at once and after a long poll', async () => {
    const type = uniqueType();
    expect(await claim(type)).toBeNull();
    expect(await claim(type, { waitSeconds: 1 })).toBeNull();
  });

  it('wakes a long-polling claim when work arrives', async () => {
    const type = uniqueType();
    const waiting = claim(type, { waitSeconds: 20 });
    await new Promise((r) => setTimeout(r, 100));
    const { id } = await submit(type);
    expect((await waiting)?.intent.id).toBe(id);
  });

  it('claims many in one request over a long poll', async () => {
    const type = uniqueType();
    await submit(type);
    await submit(type);
    const r = await must(`mutation($i: ClaimIntentsInput!) { claimIntents(input: $i) { token intent { id } } }`,
      { i: { types: [type], limit: 5, waitSeconds: 5 } });
    expect(r.claimIntents).toHaveLength(2);
  });

  it('fails, retries under the same id, and keeps the earlier error in the attempts only', async () => {
    const type = uniqueType();
    const { id } = await submit(type, { maxAttempts: 1 });
    const first = await claim(type);
    const failed = await must(`mutation($i: FailIntentInput!) { failIntent(input: $i) { status error { code message } } }`,
      { i: { id, leaseToken: first!.token, error: { code: 'BOOM', message: 'it broke' } } });
    expect(failed.failIntent).toEqual({ status: 'FAILED', error: { code: 'BOOM', message: 'it broke' } });
    expect((await must(`mutation($id: ID!) { retryIntent(input: { id: $id }) { status } }`, { id })).retryIntent.status).toBe('PENDING');
    const second = await claim(type);
    expect(second?.intent.attempt).toBe(2);
    const done = await must(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { status error { code } attempts { number error { code } } } }`,
      { i: { id, leaseToken: second!.token, output: 1 } });
    expect(done.completeIntent.status).toBe('COMPLETED');
    expect(done.completeIntent.error).toBeNull();
    expect(done.completeIntent.attempts[0]).toMatchObject({ number: 1, error: { code: "BOOM" } });
  });

  it('cancels, and refuses the running agent’s late complete with CONFLICT', async () => {
    const type = uniqueType();
    const { id } = await submit(type);
    const lease = await claim(type);
    const c = await must(`mutation($id: ID!) { cancelIntent(input: { id: $id, reason: "not needed" }) { status } }`, { id });
    expect(c.cancelIntent.status).toBe('CANCELLED');
    const late = await gql(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { status } }`,
      { i: { id, leaseToken: lease!.token, output: 1 } });
    expect(late.status).toBe(200);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('waits for an approval that a person grants, then resumes from the checkpoint', async () => {
    const type = uniqueType();
    const { id } = await submit(type);
    const lease = await claim(type);
    const asked = await must(`mutation($i: RequestApprovalInput!) { requestApproval(input: $i) { id status intent { status } } }`, {
      i: { id, leaseToken: lease!.token, checkpoint: { drafted: true }, approval: { title: 'Ship it?', assignees: ['alice'] } },
    });
    expect(asked.requestApproval).toMatchObject({ status: 'PENDING', intent: { status: 'WAITING' } });
    const decided = await must(`mutation($a: ID!) { resolveApproval(input: { approvalId: $a, outcome: "approve", resolvedBy: "alice" }) { status intent { status } } }`,
      { a: asked.requestApproval.id });
    expect(decided.resolveApproval.intent.status).toBe('PENDING');
    const again = await claim(type);
    expect(again?.intent).toMatchObject({ id, checkpoint: { drafted: true } });
  });

  it('answers a client mistake with its code and a 200, never INTERNAL', async () => {
    const r = await gql(`mutation { claimIntent(input: { types: [""] }) { token } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await gql(`mutation { cancelIntent(input: { id: "00000000-0000-7000-8000-000000000000" }) { status } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('live events over real sockets', () => {
  // Subscribing after a stored event's cursor is gapless whenever the subscription
  // registers, so the tests need no sleep before they write.
  const EVENTS = `subscription($f: IntentEventFilter, $after: String) { intentEvents(filter: $f, after: $after) { seq kind intentId } }`;
  const submitted = async () => {
    const type = uniqueType();
    const { id } = await submit(type);
    const r = await must(`query($id: ID!) { intent(id: $id) { events { cursor } } }`, { id });
    return { type, id, after: r.intent.events[0].cursor as string };
  };

  it('delivers an intent’s events over graphql-ws, resuming after a stored cursor', async () => {
    const { type, id, after } = await submitted();
    const client = wsClient(server.wsUrl);
    const sub = wsSubscribe(client, EVENTS, { f: { intentId: id }, after });
    try {
      const lease = await claim(type);
      expect(await sub.next()).toEqual({ data: { intentEvents: { seq: 2, kind: 'CLAIMED', intentId: id } } });
      await must(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { status } }`, { i: { id, leaseToken: lease!.token, output: 1 } });
      expect(await sub.next()).toEqual({ data: { intentEvents: { seq: 3, kind: 'COMPLETED', intentId: id } } });
    } finally {
      await sub.close();
      await client.dispose();
    }
  });

  it('delivers the same over SSE', async () => {
    const { type, id, after } = await submitted();
    const sub = sseSubscribe(server.url, EVENTS, { f: { intentId: id }, after });
    try {
      await claim(type);
      expect(await sub.next()).toEqual({ data: { intentEvents: { seq: 2, kind: 'CLAIMED', intentId: id } } });
    } finally {
      await sub.close();
    }
  });
});
