import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createClient } from '@axme/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import { freshDb, type TestDb } from './helpers/db.ts';
import { startInstance, type Instance } from './helpers/live.ts';
import { INLINE_MAX_BYTES } from '../src/mcp/tools.ts';

let tdb: TestDb;
let open: Instance; // auth off: the development server
let secured: Instance; // auth on, same database
const secrets: Record<string, string> = {};

beforeAll(async () => {
  tdb = await freshDb();
  open = await startInstance(tdb.db, { AXME_CLAIM_POLL_MS: '50' });
  secured = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_CLAIM_POLL_MS: '50' });
  for (const [name, ns, role] of [['a-viewer', 'team-a', 'viewer'], ['a-agent', 'team-a', 'agent'], ['a-approver', 'team-a', 'approver'], ['b-agent', 'team-b', 'agent']] as const) {
    secrets[name] = (await secured.app.keys.create({ namespace: ns, name, role })).secret;
  }
});
afterAll(async () => {
  await secured?.running.shutdown();
  await open?.running.shutdown();
  await tdb?.close();
});

const mcpUrl = (i: Instance) => new URL('/mcp', i.url);

async function connect(i: Instance, key?: string, mode: 'legacy' | 'auto' = 'auto'): Promise<Client> {
  const client = new Client({ name: 'axme-test', version: '1.0.0' }, { versionNegotiation: { mode } });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(i), { requestInit: { headers } }));
  return client;
}

type Structured = Record<string, any>;
const call = async (c: Client, name: string, args: Record<string, unknown>) => {
  const r = await c.callTool({ name, arguments: args });
  return r as { isError?: boolean; structuredContent?: Structured; content: any[] };
};

let n = 0;
const uniqueType = () => `mcp.t${++n}.${Date.now()}`;

describe('MCP endpoint /mcp', () => {
  it('lists the tools, each with an input and an output schema', async () => {
    for (const mode of ['auto', 'legacy'] as const) {
      const c = await connect(open, undefined, mode);
      const { tools } = await c.listTools();
      const names = tools.map((t) => t.name).sort();
      expect(names).toEqual(['await_intent', 'cancel_intent', 'decide_approval', 'get_intent', 'list_approvals', 'list_intent_types', 'list_intents', 'retry_intent', 'signal_intent', 'submit_intent']);
      for (const t of tools) {
        expect(t.description!.length).toBeGreaterThan(30);
        expect(t.inputSchema.type).toBe('object');
        expect(t.outputSchema?.type).toBe('object');
      }
      await c.close();
    }
  });

  it('submits an intent, a worker completes it, await_intent returns the output', async () => {
    const type = uniqueType();
    const c = await connect(open);
    const submitted = await call(c, 'submit_intent', { type, input: { q: 'sky' }, idempotencyKey: `k-${type}`, labels: ['mcp'] });
    expect(submitted.isError).toBeFalsy();
    expect(submitted.structuredContent!.status).toBe('PENDING');
    const id = submitted.structuredContent!.id as string;
    // the same idempotency key returns the same intent
    expect((await call(c, 'submit_intent', { type, input: { q: 'sky' }, idempotencyKey: `k-${type}` })).structuredContent!.id).toBe(id);

    // nothing runs it yet: a short await answers with a handle to keep waiting
    const early = await call(c, 'await_intent', { id, timeoutSeconds: 0.2 });
    expect(early.structuredContent).toMatchObject({ id, status: 'PENDING', done: false, keepWaiting: { tool: 'await_intent', id } });

    const axme = createClient({ url: open.url });
    const w = axme.worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => ({ answer: `blue (${(run.input as { q: string }).q})` }));
    try {
      const done = await call(c, 'await_intent', { id, timeoutSeconds: 20 });
      expect(done.structuredContent).toMatchObject({ id, status: 'COMPLETED', done: true, keepWaiting: null, output: { answer: 'blue (sky)' }, truncated: false });
    } finally {
      await w.stop();
    }
    const listed = await call(c, 'list_intents', { types: [type] });
    expect(listed.structuredContent!.intents.map((i: Structured) => i.id)).toEqual([id]);
    await c.close();
  });

  it('returns an intent over the inline limit as a resource_link, readable as axme://intents/{id}', async () => {
    const c = await connect(open);
    const big = 'x'.repeat(INLINE_MAX_BYTES + 10);
    const r = await call(c, 'submit_intent', { type: uniqueType(), input: { big } });
    expect(r.structuredContent).toMatchObject({ truncated: true });
    expect(r.structuredContent!.input).toBeUndefined();
    const link = r.content.find((x) => x.type === 'resource_link');
    expect(link.uri).toBe(`axme://intents/${r.structuredContent!.id}`);
    const read = await c.readResource({ uri: link.uri });
    expect(JSON.parse((read.contents[0] as { text: string }).text).input.big).toBe(big);
    await c.close();
  });

  it('cancels and retries an intent; a finished intent answers CONFLICT as a tool error', async () => {
    const c = await connect(open);
    const id = (await call(c, 'submit_intent', { type: uniqueType() })).structuredContent!.id;
    expect((await call(c, 'cancel_intent', { id, reason: 'changed my mind' })).structuredContent!.status).toBe('CANCELLED');
    expect((await call(c, 'get_intent', { id })).structuredContent!.status).toBe('CANCELLED');
    expect((await call(c, 'retry_intent', { id })).structuredContent!.status).toBe('PENDING');
    const missing = await call(c, 'get_intent', { id: '0192f5a0-0000-7000-8000-000000000000' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0].text).toMatch(/^NOT_FOUND/);
    await c.close();
  });

  it('a worker asks for approval; list_approvals finds it and decide_approval resumes the intent', async () => {
    const type = uniqueType();
    const c = await connect(open);
    const id = (await call(c, 'submit_intent', { type, input: { amount: 80 } })).structuredContent!.id as string;
    const axme = createClient({ url: open.url });
    const w = axme.worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => {
      const d = await run.requestApproval({ title: 'Refund 80?' });
      return { refunded: d.approved };
    });
    try {
      const waiting = await call(c, 'await_intent', { id, timeoutSeconds: 20 });
      expect(waiting.structuredContent).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', needsInput: true, done: false });
      const approvals = (await call(c, 'list_approvals', { intentId: id })).structuredContent!.approvals;
      expect(approvals).toHaveLength(1);
      expect(approvals[0]).toMatchObject({ title: 'Refund 80?', options: ['approve', 'reject'], status: 'PENDING' });
      const decided = await call(c, 'decide_approval', { approvalId: approvals[0].id, outcome: 'approve', comment: 'ok' });
      expect(decided.structuredContent).toMatchObject({ status: 'RESOLVED', outcome: 'approve' });
      const done = await call(c, 'await_intent', { id, timeoutSeconds: 20 });
      expect(done.structuredContent).toMatchObject({ status: 'COMPLETED', output: { refunded: true } });
    } finally {
      await w.stop();
    }
    await c.close();
  });

  it('makes the intent types in use discoverable, with an example input', async () => {
    const c = await connect(open);
    const type = uniqueType();
    await call(c, 'submit_intent', { type, input: { question: 'first' } });
    await call(c, 'submit_intent', { type, input: { question: 'why?' } });
    await open.app.services.operator.pauseType({ namespace: 'default', principal: null }, `${type}.paused`, null);
    const types = (await call(c, 'list_intent_types', {})).structuredContent!.types as Structured[];
    const mine = types.find((t) => t.type === type)!;
    expect(mine).toMatchObject({ recent: 2, inputSchema: null, paused: false });
    // the newest by created_at; the test clock stands still, so either may be it
    expect([{ question: 'first' }, { question: 'why?' }]).toContainEqual(mine.exampleInput);
    expect(types.find((t) => t.type === `${type}.paused`)).toMatchObject({ recent: 0, paused: true });
    await c.close();
  });

  it('signals an intent', async () => {
    const c = await connect(open);
    const id = (await call(c, 'submit_intent', { type: uniqueType() })).structuredContent!.id;
    const s = await call(c, 'signal_intent', { id, name: 'go', payload: { n: 1 } });
    expect(s.structuredContent).toMatchObject({ intentId: id, name: 'go', consumed: false });
    await c.close();
  });
});

describe('MCP keys, namespaces and roles', () => {
  it('refuses a request without a key, or with an unknown one, while auth is on (401)', async () => {
    await expect(connect(secured)).rejects.toThrow();
    await expect(connect(secured, 'axme_not_a_key')).rejects.toThrow();
    const res = await fetch(mcpUrl(secured), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('confines every tool to the key\'s namespace', async () => {
    const a = await connect(secured, secrets['a-agent']);
    const b = await connect(secured, secrets['b-agent']);
    const type = uniqueType();
    const id = (await call(a, 'submit_intent', { type })).structuredContent!.id;
    expect((await call(a, 'get_intent', { id })).structuredContent!.id).toBe(id);
    for (const [tool, args] of [
      ['get_intent', { id }], ['await_intent', { id, timeoutSeconds: 0 }], ['cancel_intent', { id }], ['retry_intent', { id }], ['signal_intent', { id, name: 'x' }],
    ] as const) {
      const r = await call(b, tool, args);
      expect(r.isError, tool).toBe(true);
      expect(r.content[0].text, tool).toMatch(/^NOT_FOUND/);
    }
    expect((await call(b, 'list_intents', { types: [type] })).structuredContent!.intents).toEqual([]);
    await expect(b.readResource({ uri: `axme://intents/${id}` })).rejects.toThrow();
    expect((await call(a, 'get_intent', { id })).structuredContent!.status).toBe('PENDING');
    await a.close();
    await b.close();
  });

  it('holds each tool to the role its GraphQL mutation needs', async () => {
    const agent = await connect(secured, secrets['a-agent']);
    const viewer = await connect(secured, secrets['a-viewer']);
    const id = (await call(agent, 'submit_intent', { type: uniqueType() })).structuredContent!.id;
    // a viewer reads ...
    expect((await call(viewer, 'get_intent', { id })).structuredContent!.id).toBe(id);
    expect((await call(viewer, 'list_intents', {})).isError).toBeFalsy();
    expect((await call(viewer, 'list_approvals', {})).isError).toBeFalsy();
    // ... and writes nothing
    for (const [tool, args] of [
      ['submit_intent', { type: 'x' }], ['cancel_intent', { id }], ['retry_intent', { id }], ['signal_intent', { id, name: 'x' }],
      ['decide_approval', { approvalId: id, outcome: 'approve' }],
    ] as const) {
      const r = await call(viewer, tool, args);
      expect(r.isError, tool).toBe(true);
      expect(r.content[0].text, tool).toMatch(/^FORBIDDEN/);
    }
    // an agent may not decide approvals (approver's)
    const r = await call(agent, 'decide_approval', { approvalId: id, outcome: 'approve' });
    expect(r.content[0].text).toMatch(/^FORBIDDEN/);
    expect((await call(agent, 'get_intent', { id })).structuredContent!.status).toBe('PENDING');
    await agent.close();
    await viewer.close();
  });
});

describe('MCP cross-site checks', () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
  it('refuses a foreign Origin and (auth off) a foreign Host, as /graphql does', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const foreign = await fetch(mcpUrl(open), { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body: JSON.stringify(init) });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).errors[0].extensions.reason).toBe('FOREIGN_ORIGIN');
    // fetch will not send another Host: a DNS-rebinding page's request, by hand
    const u = mcpUrl(open);
    const body = JSON.stringify(init);
    const rebound = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...headers, host: `evil.example:${u.port}`, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).errors[0].extensions.reason).toBe('FOREIGN_HOST');
  });

  it('refuses a POST a page can send without a preflight (text/plain)', async () => {
    const res = await fetch(mcpUrl(open), { method: 'POST', headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) });
    expect(res.status).toBe(415);
  });
});

/**
 * The Tasks extension through the official requester (@modelcontextprotocol/ext-tasks).
 * The SDK Client's codecs do not carry V2 task wire shapes, so the session sends
 * tools/call and tasks/* through a raw dispatch, as ext-tasks documents: here a plain
 * JSON-RPC POST to /mcp.
 */
const FRAMING = { protocolVersion: '2026-07-28', clientInfo: { name: 'axme-test', version: '1.0.0' }, clientCapabilities: {} };
let rpcId = 0;
function rawDispatch(i: Instance, key?: string) {
  return async (request: unknown) => {
    const req = request as { method: string; params?: Record<string, unknown> };
    const res = await fetch(mcpUrl(i), {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': FRAMING.protocolVersion,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, ...req }),
    });
    const body = (await res.json()) as { result?: any; error?: any };
    return body.error ? { kind: 'error' as const, error: body.error } : { kind: 'result' as const, result: body.result };
  };
}

async function taskSession(i: Instance, opts: { key?: string; onInputRequest?: (r: any) => Promise<any> } = {}) {
  const client = await connect(i, opts.key);
  const session = createTaskSessionFromClient(client, {
    endpointId: `axme-${i.url}`,
    rawDispatch: rawDispatch(i, opts.key),
    v2RequestFraming: FRAMING,
    ...(opts.onInputRequest ? { onInputRequest: opts.onInputRequest as never } : {}),
  });
  return { client, session };
}

const getTask = (i: Instance, taskId: string, key?: string) => rawDispatch(i, key)({ method: 'tasks/get', params: { taskId } }) as Promise<any>;

describe('MCP Tasks (io.modelcontextprotocol/tasks)', () => {
  it('advertises the extension; submit_intent returns a task backed by the intent, completed with the output', async () => {
    const type = uniqueType();
    const { client, session } = await taskSession(open);
    expect(client.getServerCapabilities()?.extensions?.['io.modelcontextprotocol/tasks']).toEqual({});
    const execution = await session.callTool('submit_intent', { type, input: { n: 2 } });
    expect(execution.kind).toBe('task');
    const taskId = execution.handle!.taskId as string;
    // the intent is there, durably, before anything runs it
    const intent = await open.app.services.intents.get({ namespace: 'default', principal: null }, taskId);
    expect(intent).toMatchObject({ type, status: 'PENDING', input: { n: 2 } });
    expect((await getTask(open, taskId)).result).toMatchObject({ status: 'working', taskId, resultType: 'complete' });

    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => ({ doubled: (run.input as { n: number }).n * 2 }));
    try {
      const { outcome } = await execution.settle();
      const result = resultFromTaskOutcome(outcome) as { structuredContent: Structured };
      expect(result.structuredContent).toMatchObject({ id: taskId, status: 'COMPLETED', output: { doubled: 4 } });
    } finally {
      await w.stop();
      await session.close();
    }
  });

  it('reaches input_required on an approval, is answered through tasks/update (checked against formSchema), and completes', async () => {
    const type = uniqueType();
    const asked: any[] = [];
    let answer: Record<string, unknown> = { axme_decision: 'approve', amount: 'lots' }; // wrong first: amount is a number
    const { session } = await taskSession(open, {
      onInputRequest: async (r) => {
        asked.push(r);
        return { action: 'accept', content: answer };
      },
    });
    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => {
      const d = await run.requestApproval({
        title: 'Pay the refund?',
        formSchema: { type: 'object', properties: { amount: { type: 'number', maximum: 100 } }, required: ['amount'] },
      });
      return { approved: d.approved, data: d.data };
    });
    try {
      const execution = await session.callTool('submit_intent', { type });
      const taskId = execution.handle!.taskId as string;
      // wait until the worker asked: the task is input_required with a form-mode elicitation
      let task: any;
      for (let k = 0; k < 100; k++) {
        task = (await getTask(open, taskId)).result;
        if (task.status === 'input_required') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(task.status).toBe('input_required');
      const [key, request] = Object.entries(task.inputRequests)[0] as [string, any];
      expect(key).toMatch(/^approval-/);
      expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'form', message: 'Pay the refund?' } });
      expect(request.params.requestedSchema.properties).toMatchObject({ axme_decision: { enum: ['approve', 'reject'] }, amount: { type: 'number' } });

      // an answer that breaks the form is refused and changes nothing
      const bad = await rawDispatch(open)({ method: 'tasks/update', params: { taskId, inputResponses: { [key]: { action: 'accept', content: answer } } } });
      expect(bad.kind).toBe('error');
      expect((await getTask(open, taskId)).result.status).toBe('input_required');
      // an unknown key too
      const unknown = await rawDispatch(open)({ method: 'tasks/update', params: { taskId, inputResponses: { 'approval-nope': { action: 'accept', content: { axme_decision: 'approve' } } } } });
      expect(unknown.kind).toBe('error');

      answer = { axme_decision: 'approve', axme_comment: 'fine', amount: 80 };
      const { outcome } = await execution.settle();
      const result = resultFromTaskOutcome(outcome) as { structuredContent: Structured };
      expect(result.structuredContent.output).toEqual({ approved: true, data: { amount: 80 } });
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked[0].kind).toBe('elicitation');
    } finally {
      await w.stop();
      await session.close();
    }
  });

  it('asks a form richer than MCP elicitation allows in URL mode, pointing at the dashboard', async () => {
    const type = uniqueType();
    const id = (await open.app.services.intents.submit({ namespace: 'default', principal: null }, { type })).id;
    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => {
      await run.requestApproval({ title: 'Choose items', formSchema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } } });
      return null;
    });
    try {
      let task: any;
      for (let k = 0; k < 100; k++) {
        task = (await getTask(open, id)).result;
        if (task.status === 'input_required') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const request = Object.values(task.inputRequests)[0] as any;
      expect(request.params).toMatchObject({ mode: 'url', url: `${new URL(open.url).origin}/ui/intents/${id}` });
    } finally {
      await w.stop();
    }
  });

  it('tasks/cancel cancels the intent', async () => {
    const { session } = await taskSession(open);
    const execution = await session.callTool('submit_intent', { type: uniqueType() });
    const taskId = execution.handle!.taskId as string;
    await execution.cancel();
    expect((await open.app.services.intents.get({ namespace: 'default', principal: null }, taskId))!.status).toBe('CANCELLED');
    expect((await getTask(open, taskId)).result.status).toBe('cancelled');
    await session.close();
  });

  it('a failed intent is a failed task with its error', async () => {
    const type = uniqueType();
    const id = (await open.app.services.intents.submit({ namespace: 'default', principal: null }, { type, maxAttempts: 1 })).id;
    const w = createClient({ url: open.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async () => {
      throw new Error('the model refused');
    });
    try {
      let task: any;
      for (let k = 0; k < 100; k++) {
        task = (await getTask(open, id)).result;
        if (task.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(task).toMatchObject({ status: 'failed', error: { message: 'the model refused' } });
    } finally {
      await w.stop();
    }
  });

  it('loses nothing across a server restart between submit and tasks/get', async () => {
    const type = uniqueType();
    const first = await startInstance(tdb.db, { AXME_CLAIM_POLL_MS: '50' });
    const { session } = await taskSession(first);
    const execution = await session.callTool('submit_intent', { type, input: { x: 1 } });
    const taskId = execution.handle!.taskId as string;
    await execution.detach();
    await session.close();
    await first.running.shutdown();

    const second = await startInstance(tdb.db, { AXME_CLAIM_POLL_MS: '50' });
    try {
      expect((await getTask(second, taskId)).result).toMatchObject({ taskId, status: 'working' });
      const w = createClient({ url: second.url }).worker({ types: [type], onError: () => {}, waitSeconds: 1 }, async (run) => run.input);
      try {
        let task: any;
        for (let k = 0; k < 100; k++) {
          task = (await getTask(second, taskId)).result;
          if (task.status === 'completed') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(task.result.structuredContent.output).toEqual({ x: 1 });
      } finally {
        await w.stop();
      }
    } finally {
      await second.running.shutdown();
    }
  });

  it('holds tasks to namespaces and roles', async () => {
    const id = (await call(await connect(secured, secrets['a-agent']), 'submit_intent', { type: uniqueType() })).structuredContent!.id;
    expect((await getTask(secured, id, secrets['b-agent'])).error.message).toMatch(/^NOT_FOUND/);
    expect((await rawDispatch(secured, secrets['b-agent'])({ method: 'tasks/cancel', params: { taskId: id } })).error.message).toMatch(/^NOT_FOUND/);
    expect((await rawDispatch(secured, secrets['a-viewer'])({ method: 'tasks/cancel', params: { taskId: id } })).error.message).toMatch(/^FORBIDDEN/);
    expect((await rawDispatch(secured, secrets['a-agent'])({ method: 'tasks/update', params: { taskId: id, inputResponses: {} } })).error.message).toMatch(/^FORBIDDEN/);
    expect((await getTask(secured, id, secrets['a-viewer'])).result.status).toBe('working');
    const viaTask = await rawDispatch(secured, secrets['a-viewer'])({
      method: 'tools/call', params: { name: 'submit_intent', arguments: { type: 'x' }, _meta: { 'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } } } },
    });
    expect(viaTask.error.message).toMatch(/^FORBIDDEN/);
  });
});

describe('axme mcp (stdio bridge)', () => {
  it('serves the official client over stdio, with the key, through /mcp', async () => {
    const { StdioClientTransport } = await import('@modelcontextprotocol/client/stdio');
    for (const mode of ['legacy', 'auto'] as const) {
      const client = new Client({ name: 'desktop', version: '1.0.0' }, { versionNegotiation: { mode } });
      await client.connect(new StdioClientTransport({
        command: 'sh', args: ['bin/axme', '--url', secured.url, 'mcp'], cwd: process.cwd(),
        env: { ...process.env as Record<string, string>, AXME_API_KEY: secrets['a-agent']! }, stderr: 'pipe',
      }));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('submit_intent');
      const r = await call(client, 'submit_intent', { type: uniqueType(), input: { via: 'stdio' } });
      expect(r.structuredContent).toMatchObject({ status: 'PENDING', input: { via: 'stdio' } });
      // in team-a, as the key says
      expect((await secured.app.services.intents.get({ namespace: 'team-a', principal: null }, r.structuredContent!.id))!.input).toEqual({ via: 'stdio' });
      if (mode === 'auto') {
        // the bridge carries the 2026-07-28 revision, not only the 2025 one
        expect(client.getProtocolEra()).toBe('modern');
        // task status notifications through the bridge: streamed as they come, without holding up other answers
        const notes: any[] = [];
        client.fallbackNotificationHandler = async (note) => {
          if (note.method === 'notifications/tasks') notes.push(note.params);
        };
        const sub = await client.listen({ taskIds: [r.structuredContent!.id] } as never);
        expect((await call(client, 'get_intent', { id: r.structuredContent!.id })).structuredContent!.status).toBe('PENDING');
        for (let k = 0; k < 200 && notes.length === 0; k++) await new Promise((res) => setTimeout(res, 25));
        expect(notes[0]).toMatchObject({ taskId: r.structuredContent!.id, status: 'working' });
        await sub.close();
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      }
      await client.close();
    }
  }, 60_000);
});
