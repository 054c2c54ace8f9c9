/**
 * A key of namespace A walks every operation in the schema with the ids, tokens
 * and names of namespace B's data, over HTTP, SSE and WebSocket. It must see
 * nothing of B and change nothing of B.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, sseSubscribe, startInstance, wsClient, wsSubscribe, type Instance } from './helpers/live.ts';
import { sampleOperations } from './helpers/operations.ts';

const MARK = 'B-SECRET-7f3a';
let tdb: TestDb;
let inst: Instance;
let a: string;
let b: string;
const ids = {} as Record<'parent' | 'child' | 'running' | 'waiting' | 'approval' | 'token' | 'key', string>;

const asA = (q: string, v?: unknown) => post(inst.url, q, v, { authorization: `Bearer ${a}` });
const asB = (q: string, v?: unknown) => post(inst.url, q, v, { authorization: `Bearer ${b}` });

async function fingerprintB(): Promise<string> {
  const { rows } = await inst.app.db.query<{ f: string }>(`
    select coalesce((select md5(string_agg(i::text, ',' order by i.id)) from intents i where namespace = 'ns-b'), '') ||
           coalesce((select md5(string_agg(e::text, ',' order by e.id)) from intent_events e where namespace = 'ns-b'), '') ||
           coalesce((select md5(string_agg(x::text, ',' order by x.id)) from approvals x where namespace = 'ns-b'), '') ||
           coalesce((select md5(string_agg(k::text, ',' order by k.id)) from api_keys k where namespace = 'ns-b'), '') as f`);
  return rows[0]!.f;
}

beforeAll(async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' });
  a = (await inst.app.keys.create({ namespace: 'ns-a', name: 'admin-a', role: 'admin' })).secret;
  const kb = await inst.app.keys.create({ namespace: 'ns-b', name: `admin-b-${MARK}`, role: 'admin' });
  b = kb.secret;
  ids.key = kb.key.id;
  const submit = async (type: string, extra = {}) =>
    (await asB(`mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type, input: { note: MARK }, labels: [MARK], ...extra } })).data!.submitIntent.id;
  ids.parent = await submit('b.work');
  ids.child = await submit('b.work', { parentId: ids.parent });
  await submit('b.run');
  const lease = (await asB(`mutation { claimIntent(input: { types: ["b.run"] }) { token intent { id } } }`)).data!.claimIntent;
  ids.running = lease.intent.id;
  ids.token = lease.token;
  await asB(`mutation($id: ID!, $t: ID!) { checkpointIntent(input: { id: $id, leaseToken: $t, checkpoint: { note: "${MARK}" } }) { id } }`, { id: ids.running, t: ids.token });
  await submit('b.wait');
  const l2 = (await asB(`mutation { claimIntent(input: { types: ["b.wait"] }) { token intent { id } } }`)).data!.claimIntent;
  ids.waiting = l2.intent.id;
  const ap = await asB(`mutation($i: RequestApprovalInput!) { requestApproval(input: $i) { id } }`, {
    i: { id: l2.intent.id, leaseToken: l2.token, approval: { title: `approve ${MARK}?` } },
  });
  ids.approval = ap.data!.requestApproval.id;
  await asB(`mutation($id: ID!) { signalIntent(input: { id: $id, name: "ping", payload: { note: "${MARK}" } }) { id } }`, { id: ids.parent });
  await asB(`mutation { pauseIntentType(type: "b.paused.${MARK}") { type } }`);
});
afterAll(async () => {
  await inst.running.shutdown();
  await tdb.close();
});

it('every query and mutation, given B’s ids, tokens and names, shows and changes nothing of B', async () => {
  const before = await fingerprintB();
  const idFor = (name: string, field: string) => {
    if (name === 'approvalId') return ids.approval;
    if (name === 'leaseToken') return ids.token;
    if (field === 'revokeApiKey') return ids.key;
    if (name === 'parentId') return ids.parent;
    if (/Intent$|^intent/.test(field) && ['heartbeatIntent', 'checkpointIntent', 'completeIntent', 'failIntent', 'reportProgress',
      'requestApproval', 'waitForSignal', 'waitForChildren', 'sleepIntent'].includes(field)) return ids.running;
    return ids.parent;
  };
  let walked = 0;
  for (const op of sampleOperations({ id: () => ids.parent })) {
    if (op.kind === 'subscription') continue;
    const fixed = sampleOperations({ id: (name) => idFor(name, op.field), string: (name) => (name === 'type' ? 'b.work' : name === 'name' ? 'ping' : MARK) })
      .find((o) => o.field === op.field)!;
    const r = await asA(fixed.query, fixed.variables);
    const body = JSON.stringify(r);
    expect(body, op.field).not.toContain(`note":"${MARK}`);
    expect(body, op.field).not.toContain(`approve ${MARK}`);
    expect(body, op.field).not.toContain(`admin-b-${MARK}`);
    for (const id of [ids.child, ids.waiting, ids.approval]) {
      if (!JSON.stringify(fixed.variables).includes(id)) expect(body, `${op.field} leaks ${id}`).not.toContain(id);
    }
    walked++;
  }
  expect(walked).toBeGreaterThan(25);
  // reads that list: nothing of B, through filters and children alike
  const lists = await asA(`query($p: ID!) {
    intents(filter: { label: ["${MARK}"] }) { totalCount }
    byParent: intents(filter: { parentId: $p }) { totalCount }
    approvals { nodes { id } }
    pausedIntentTypes { type }
    apiKeys { name }
    intent(id: $p) { id }
  }`, { p: ids.parent });
  expect(lists.data).toMatchObject({ intents: { totalCount: 0 }, byParent: { totalCount: 0 }, approvals: { nodes: [] }, pausedIntentTypes: [], intent: null });
  expect(JSON.stringify(lists.data.apiKeys)).not.toContain('admin-b');
  expect(await fingerprintB()).toBe(before);
}, 120_000);

it('every MCP tool, resource and Tasks method at /mcp, given B’s ids, shows and changes nothing of B', async () => {
  const before = await fingerprintB();
  const client = new Client({ name: 'isolation', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', inst.url), { requestInit: { headers: { authorization: `Bearer ${a}` } } }));
  const args: Record<string, Record<string, unknown>[]> = {
    submit_intent: [{ type: 'b.work', input: { mine: true }, idempotencyKey: MARK }],
    get_intent: [{ id: ids.parent }, { id: ids.child }, { id: ids.waiting }, { id: ids.running }],
    list_intent_types: [{}],
    list_intents: [{}, { labels: [MARK] }, { types: ['b.work'] }, { statuses: ['WAITING', 'RUNNING', 'PENDING'] }],
    await_intent: [{ id: ids.parent, timeoutSeconds: 0 }, { id: ids.waiting, timeoutSeconds: 0 }],
    cancel_intent: [{ id: ids.parent }, { id: ids.waiting }, { id: ids.running }],
    retry_intent: [{ id: ids.parent }],
    signal_intent: [{ id: ids.parent, name: 'ping', payload: { note: MARK } }],
    list_approvals: [{}, { intentId: ids.waiting }, { statuses: ['PENDING', 'RESOLVED'] }],
    decide_approval: [{ approvalId: ids.approval, outcome: 'approve' }],
  };
  const seen: string[] = [];
  const check = (what: string, body: string) => {
    seen.push(what);
    expect(body, what).not.toContain(`note":"${MARK}`);
    expect(body, what).not.toContain(`approve ${MARK}`);
  };
  const { tools } = await client.listTools();
  // a tool added without a case here fails the walk
  expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(args).sort());
  for (const t of tools) {
    for (const a of args[t.name]!) {
      const r = await client.callTool({ name: t.name, arguments: a });
      const body = JSON.stringify(r);
      check(t.name, body);
      for (const id of [ids.child, ids.waiting, ids.approval, ids.running]) {
        if (!JSON.stringify(a).includes(id)) expect(body, `${t.name} leaks ${id}`).not.toContain(id);
      }
    }
  }
  for (const id of [ids.parent, ids.child, ids.waiting]) {
    await expect(client.readResource({ uri: `axme://intents/${id}` })).rejects.toThrow();
  }
  await client.close();
  // the Tasks extension's own methods (tasks.ts), as JSON-RPC
  const rpc = async (method: string, params: Record<string, unknown>) => {
    const res = await fetch(new URL('/mcp', inst.url), {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${a}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const body = await res.text();
    check(method, body);
    return JSON.parse(body) as { result?: unknown; error?: { message: string } };
  };
  for (const taskId of [ids.parent, ids.child, ids.waiting, ids.running]) {
    expect((await rpc('tasks/get', { taskId })).error!.message).toMatch(/^NOT_FOUND/);
    expect((await rpc('tasks/update', { taskId, inputResponses: { [`approval-${ids.approval}`]: { action: 'accept', content: { axme_decision: 'approve' } } } })).error!.message).toMatch(/^NOT_FOUND/);
    expect((await rpc('tasks/cancel', { taskId })).error!.message).toMatch(/^NOT_FOUND/);
  }
  // task status notifications: none of B's tasks is followed; the stream acknowledges none and ends
  const bIds = [ids.parent, ids.child, ids.waiting, ids.running];
  const listen = await fetch(new URL('/mcp', inst.url), {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${a}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'listen:1', method: 'subscriptions/listen', params: { notifications: { taskIds: bIds } } }),
  });
  const frames = await listen.text();
  check('subscriptions/listen', frames);
  expect(frames).toContain('"taskIds":[]');
  for (const id of bIds) expect(frames, `subscriptions/listen leaks ${id}`).not.toContain(id);
  expect(seen.length).toBeGreaterThan(30);
  expect(await fingerprintB()).toBe(before);
}, 120_000);

it('a cursor taken in B does not open B’s stream to A', async () => {
  const cursor = (await asB(`query($id: ID!) { intentEvents(intentId: $id) { cursor } }`, { id: ids.parent })).data!.intentEvents[0].cursor;
  const sub = sseSubscribe(inst.url, `subscription($a: String) { intentEvents(after: $a) { intentId kind } }`, { a: cursor }, { authorization: `Bearer ${a}` });
  // B changes, then A: everything A sees up to its own sentinel is A's
  await asB(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { id } }`, { id: ids.child });
  const mine = (await asA(`mutation { submitIntent(input: { type: "a.sentinel" }) { id } }`)).data!.submitIntent.id;
  const seen: string[] = [];
  for (let e = await sub.next(); e && e.data.intentEvents.intentId !== mine; e = await sub.next()) seen.push(e.data.intentEvents.intentId);
  await sub.close();
  const { rows } = await inst.app.db.query<{ n: number }>(`select count(*)::int as n from intents where id = any($1::uuid[]) and namespace <> 'ns-a'`, [seen]);
  expect(rows[0]!.n).toBe(0);
});

it('subscriptions over WebSocket see only their namespace, and a bad key cannot connect', async () => {
  const client = wsClient(inst.wsUrl, { authorization: `Bearer ${a}` });
  const changed = wsSubscribe(client, `subscription($id: ID!) { intentChanged(id: $id) { id status } }`, { id: ids.parent });
  const r = await changed.next();
  expect(r.errors?.[0]?.extensions?.code ?? r.data).toBe('NOT_FOUND');
  await changed.close();
  const events = wsSubscribe(client, `subscription { intentEvents { intentId } }`);
  await asB(`mutation { submitIntent(input: { type: "b.more" }) { id } }`);
  const mine = (await asA(`mutation { submitIntent(input: { type: "a.sentinel2" }) { id } }`)).data!.submitIntent.id;
  expect((await events.next()).data.intentEvents.intentId).toBe(mine);
  await events.close();
  await client.dispose();

  const bad = wsClient(inst.wsUrl, { authorization: 'Bearer axme_nope' });
  const closed = new Promise<number>((resolve) => bad.on('closed', (e) => resolve((e as { code: number }).code)));
  expect(await closed).toBe(4403);
  await bad.dispose();
});
