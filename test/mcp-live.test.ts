import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createClient } from '@axme/client';
import { createTaskSessionFromClient } from '@modelcontextprotocol/ext-tasks/client';
import { contributeTaskFilterV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';
import { REDIS_URL, post, startInstance, testPrefix, until, type Instance } from './helpers/live.ts';
import { OPEN_AUTH } from '../src/auth/authenticate.ts';
import { MAX_TASK_IDS, TaskStreams } from '../src/mcp/task-notifications.ts';

/**
 * What /mcp does on the live feed: task status notifications on a `subscriptions/listen`
 * stream, await_intent woken by events, and the per-key rate limit shared with GraphQL.
 * All through the official client (and ext-tasks) over Streamable HTTP.
 */
let tdb: TestDb;
let open: Instance;
const extra: Instance[] = [];

beforeAll(async () => {
  tdb = await freshDb();
  open = await startInstance(tdb.db, { AXME_CLAIM_POLL_MS: '50' });
});
afterEach(async () => {
  for (const i of extra.splice(0)) await i.running.shutdown();
});
afterAll(async () => {
  await open?.running.shutdown();
  await tdb?.close();
});

const mcpUrl = (i: Instance) => new URL('/mcp', i.url);
const FRAMING = { protocolVersion: '2026-07-28', clientInfo: { name: 'axme-test', version: '1.0.0' }, clientCapabilities: {} };
let rpcId = 0;
let n = 0;
const uniqueType = () => `mcp.live${++n}.${Date.now()}`;
type Json = Record<string, any>;

function rawDispatch(i: Instance, key?: string) {
  return async (request: unknown) => {
    const res = await fetch(mcpUrl(i), {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': FRAMING.protocolVersion,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, ...(request as Json) }),
    });
    const body = (await res.json()) as { result?: any; error?: any };
    return body.error ? { kind: 'error' as const, error: body.error } : { kind: 'result' as const, result: body.result };
  };
}

async function connect(i: Instance, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'axme-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(i), { requestInit: { headers } }));
  return client;
}

/** A client with a task session, recording every `notifications/tasks` it is sent. */
async function taskClient(i: Instance) {
  const client = await connect(i);
  const tasks: Json[] = [];
  // the session chains to the handler it finds, so this one sees what the session sees
  client.fallbackNotificationHandler = async (note) => {
    if (note.method === 'notifications/tasks') tasks.push(note.params as Json);
  };
  const session = createTaskSessionFromClient(client, { endpointId: `axme-${i.url}`, rawDispatch: rawDispatch(i), v2RequestFraming: FRAMING });
  return { client, session, tasks };
}

const statuses = (tasks: Json[], taskId: string) => tasks.filter((t) => t.taskId === taskId).map((t) => t.status as string);

describe('MCP task status notifications', () => {
  it('follow the intent as a worker claims it, asks approval, is answered via tasks/update, and completes', async () => {
    const type = uniqueType();
    const { client, session, tasks } = await taskClient(open);
    const execution = await session.callTool('submit_intent', { type, input: { amount: 40 } });
    const taskId = execution.handle!.taskId as string;
    const sub = await client.listen(contributeTaskFilterV2({}, [taskId]).notifications as never);
    // the task as it is now comes first: submitted, not yet claimed
    await until(() => tasks.length > 0, 10_000, 'the first notification');
    expect(tasks[0]).toMatchObject({ taskId, status: 'working', statusMessage: 'PENDING' });

    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => {
      const d = await run.requestApproval({ title: 'Refund 40?' });
      return { refunded: d.approved };
    });
    try {
      await until(() => statuses(tasks, taskId).includes('input_required'), 20_000, 'input_required');
      const asked = tasks.find((t) => t.status === 'input_required')!;
      // claimed before it asked: the worker's RUNNING was announced as working
      expect(tasks.some((t) => t.status === 'working' && t.statusMessage === 'RUNNING')).toBe(true);
      const [key, request] = Object.entries(asked.inputRequests)[0] as [string, Json];
      expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'form', message: 'Refund 40?' } });

      const answered = await rawDispatch(open)({ method: 'tasks/update', params: { taskId, inputResponses: { [key]: { action: 'accept', content: { axme_decision: 'approve' } } } } });
      expect(answered.kind).toBe('result');
      await until(() => statuses(tasks, taskId).includes('completed'), 20_000, 'completed');
      const done = tasks.find((t) => t.status === 'completed')!;
      expect(done.result.structuredContent).toMatchObject({ id: taskId, status: 'COMPLETED', output: { refunded: true } });
      // in order, each change once: no status repeats without something it says having changed
      const seen = statuses(tasks, taskId);
      expect(seen.indexOf('input_required')).toBeLessThan(seen.lastIndexOf('working'));
      expect(seen.at(-1)).toBe('completed');
      // every notification names the subscription it belongs to
      expect(tasks.every((t) => t._meta?.['io.modelcontextprotocol/subscriptionId'] !== undefined)).toBe(true);
    } finally {
      await w.stop();
      await sub.close();
      await session.close();
      await client.close();
    }
  });

  it('acknowledges only the tasks the key can see, and refuses too many', async () => {
    const id = (await open.app.services.intents.submit({ namespace: 'default', principal: null }, { type: uniqueType() })).id;
    const unknown = '0192f5a0-0000-7000-8000-000000000000';
    const listen = (taskIds: unknown) =>
      fetch(mcpUrl(open), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'listen:x', method: 'subscriptions/listen', params: { notifications: { taskIds } } }),
      });
    const res = await listen([id, unknown]);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('notifications/tasks')) text += new TextDecoder().decode((await reader.read()).value);
    const ack = JSON.parse(/data: (.*)/.exec(text)![1]!);
    expect(ack).toMatchObject({ method: 'notifications/subscriptions/acknowledged', params: { notifications: { taskIds: [id] } } });
    await reader.cancel();

    const tooMany = await (await listen(Array.from({ length: MAX_TASK_IDS + 1 }, () => id))).json();
    expect(tooMany.error).toMatchObject({ code: -32602 });
    const bad = await (await listen('nope')).json();
    expect(bad.error).toMatchObject({ code: -32602 });
  });

  it('give a client that does not read the latest state, not a backlog', async () => {
    const caller = OPEN_AUTH.caller;
    const { services, live, revocations } = open.app;
    const type = uniqueType();
    const id = (await services.intents.submit(caller, { type })).id;
    // a buffer of one byte: every notification fills it, and the task waits for the reader
    const answer = await new TaskStreams({ bufferBytes: 1 }).serve(
      { jsonrpc: '2.0', id: 'l', method: 'subscriptions/listen', params: { notifications: { taskIds: [id] } } },
      { services, live, revocations, auth: OPEN_AUTH, origin: open.url, signal: new AbortController().signal },
    );
    if (!('stream' in answer)) throw new Error(JSON.stringify(answer.error));
    // 40 changes, spaced out so that a reader keeping up would hear each; then a worker completes it
    const pause = () => new Promise((r) => setTimeout(r, 20));
    for (let k = 0; k < 20; k++) {
      await services.intents.cancel(caller, id, null);
      await pause();
      await services.intents.retry(caller, id);
      await pause();
    }
    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async () => ({ last: true }));
    try {
      await until(async () => (await services.intents.get(caller, id))!.status === 'COMPLETED', 20_000, 'completed');
    } finally {
      await w.stop();
    }
    const reader = answer.stream.getReader();
    const got: Json[] = [];
    const decoder = new TextDecoder();
    while (got.at(-1)?.params?.status !== 'completed') {
      const { value } = await reader.read();
      for (const line of decoder.decode(value).split('\n')) if (line.startsWith('data: ')) got.push(JSON.parse(line.slice(6)));
    }
    await reader.cancel();
    // what arrived is a handful, ending on the latest state
    expect(got.filter((m) => m.method === 'notifications/tasks').length).toBeLessThan(6);
    expect(got.at(-1)!.params.result.structuredContent.output).toEqual({ last: true });
  });

  it('end with the graceful close when the server shuts down', async () => {
    const doomed = await startInstance(tdb.db, {});
    const taskId = (await doomed.app.services.intents.submit({ namespace: 'default', principal: null }, { type: uniqueType() })).id;
    const res = await fetch(mcpUrl(doomed), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'listen:s', method: 'subscriptions/listen', params: { notifications: { taskIds: [taskId] } } }),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('notifications/tasks')) text += new TextDecoder().decode((await reader.read()).value);
    const stopped = doomed.running.shutdown();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    await stopped;
    const last = JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('data: ')).at(-1)!.slice(6));
    expect(last).toMatchObject({ id: 'listen:s', result: { resultType: 'complete' } });
  });

  it('end with UNAUTHENTICATED when the key is revoked', async () => {
    const secured = await startInstance(tdb.db, { AXME_AUTH: 'on' });
    extra.push(secured);
    const { key, secret } = await secured.app.keys.create({ namespace: 'rv', name: 'rv', role: 'viewer' });
    const taskId = (await secured.app.services.intents.submit({ namespace: 'rv', principal: null }, { type: uniqueType() })).id;
    const res = await fetch(mcpUrl(secured), {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'listen:r', method: 'subscriptions/listen', params: { notifications: { taskIds: [taskId] } } }),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('notifications/tasks')) text += new TextDecoder().decode((await reader.read()).value);
    await secured.app.keys.revoke('rv', key.id);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    const last = JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('data: ')).at(-1)!.slice(6));
    expect(last).toMatchObject({ id: 'listen:r', error: { code: -32001, message: expect.stringMatching(/^UNAUTHENTICATED/) } });
  });

  it.skipIf(!REAL_PG || !REDIS_URL)('arrive on an instance other than the one the worker talks to (Postgres + Redis)', async () => {
    // polls slower than the test: only Redis wake-ups can move the feed in time
    const env = { REDIS_URL: REDIS_URL!, AXME_REDIS_PREFIX: testPrefix(), AXME_SUBSCRIPTION_POLL_MS: '60000', AXME_CLAIM_POLL_MS: '50' };
    const a = await startInstance(tdb.another(), env);
    extra.push(a);
    const b = await startInstance(tdb.another(), env);
    extra.push(b);
    await until(() => a.app.pubsub.healthy?.() === true && b.app.pubsub.healthy?.() === true, 10_000, 'redis');
    const type = uniqueType();
    // submitted and worked on A (each test instance keeps its own clock), followed on B
    const taskId = (await a.app.services.intents.submit({ namespace: 'default', principal: null }, { type })).id;
    const { client, session, tasks } = await taskClient(b);
    const sub = await client.listen(contributeTaskFilterV2({}, [taskId]).notifications as never);
    await until(() => tasks.length > 0, 10_000, 'the first notification');
    const w = createClient({ url: a.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async () => ({ ok: true }));
    try {
      await until(() => statuses(tasks, taskId).includes('completed'), 20_000, 'completed from the other instance');
      expect(tasks.at(-1)!.result.structuredContent.output).toEqual({ ok: true });
    } finally {
      await w.stop();
      await sub.close();
      await session.close();
      await client.close();
    }
  });
});

describe('await_intent on the live feed', () => {
  it('returns as the intent completes, well inside its bound', async () => {
    const type = uniqueType();
    const c = await connect(open);
    const id = ((await c.callTool({ name: 'submit_intent', arguments: { type, input: { q: 1 } } })).structuredContent as Json).id;
    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => ({ echo: run.input }));
    try {
      // the bound is longer than this test may take: only the completion can end the wait
      const r = (await c.callTool({ name: 'await_intent', arguments: { id, timeoutSeconds: 30 } })).structuredContent as Json;
      expect(r).toMatchObject({ id, status: 'COMPLETED', done: true, needsInput: false, keepWaiting: null, output: { echo: { q: 1 } } });
    } finally {
      await w.stop();
      await c.close();
    }
  }, 20_000);

  it('answers an unknown intent NOT_FOUND and a bound of 0 with the state now', async () => {
    const c = await connect(open);
    const missing = await c.callTool({ name: 'await_intent', arguments: { id: '0192f5a0-0000-7000-8000-000000000000', timeoutSeconds: 5 } });
    expect(missing.isError).toBe(true);
    expect((missing.content as Json[])[0]!.text).toMatch(/^NOT_FOUND/);
    const id = ((await c.callTool({ name: 'submit_intent', arguments: { type: uniqueType() } })).structuredContent as Json).id;
    const now = (await c.callTool({ name: 'await_intent', arguments: { id, timeoutSeconds: 0 } })).structuredContent as Json;
    expect(now).toMatchObject({ id, status: 'PENDING', done: false, keepWaiting: { tool: 'await_intent', id } });
    await c.close();
  });
});

describe('per-key rate limit over /mcp', () => {
  it('answers 429 RATE_LIMITED with Retry-After, from the budget GraphQL draws on too', async () => {
    const limited = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '1', AXME_RATE_BURST: '5' });
    extra.push(limited);
    const key = (await limited.app.keys.create({ namespace: 'rl', name: 'rl', role: 'agent' })).secret;
    const other = (await limited.app.keys.create({ namespace: 'rl', name: 'rl2', role: 'agent' })).secret;
    const auth = { authorization: `Bearer ${key}` };
    const rpc = () =>
      fetch(mcpUrl(limited), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tasks/get', params: { taskId: '0192f5a0-0000-7000-8000-000000000000' } }),
      });
    let refused: Response | null = null;
    for (let k = 0; k < 20 && !refused; k++) {
      const res = await rpc();
      if (res.status === 429) refused = res;
    }
    expect(refused).not.toBeNull();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await refused!.json();
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { data: { code: 'RATE_LIMITED' } } });
    expect(body.error.message).toMatch(/^RATE_LIMITED/);
    // the same key over GraphQL finds its budget spent
    const gql = await post(`${limited.url}/graphql`, '{ intents { totalCount } }', undefined, auth);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    // the official client sees the refusal; another key has its own budget
    const c = new Client({ name: 'axme-test', version: '1.0.0' });
    await expect(c.connect(new StreamableHTTPClientTransport(mcpUrl(limited), { requestInit: { headers: auth } })).then(() => c.listTools())).rejects.toThrow(/429|RATE_LIMITED/);
    const ok = await connect(limited, { authorization: `Bearer ${other}` });
    expect((await ok.listTools()).tools.length).toBeGreaterThan(0);
    await ok.close();
  });
});
