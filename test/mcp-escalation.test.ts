// A failure escalation over MCP: await_intent says it needs a human, list_approvals shows the
// escalation with its attempts and last error, and decide_approval's fork answers the fork's id,
// which completes. Real worker, listening server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createClient } from '@axme/client';
import { freshDb, type TestDb } from './helpers/db.ts';
import { startInstance, type Instance } from './helpers/live.ts';

let tdb: TestDb;
let server: Instance;
beforeAll(async () => {
  tdb = await freshDb();
  server = await startInstance(tdb.db, { AXME_CLAIM_POLL_MS: '50' });
});
afterAll(async () => {
  await server?.running.shutdown();
  await tdb?.close();
});

const call = async (c: Client, name: string, args: Record<string, unknown>) =>
  (await c.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Record<string, any>; content: any[] };

it('list_approvals shows the last error of an escalation; decide_approval forks it and answers the fork', async () => {
  const c = new Client({ name: 'axme-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await c.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
  const axme = createClient({ url: server.url });
  const type = `mcp.escalation.${Date.now()}`;
  const w = axme.worker({ types: [type], onError: () => {}, onHandlerError: () => {}, waitSeconds: 1 }, async (run) => {
    const amount = (run.input as { amount: number }).amount;
    if (amount > 100) throw new Error(`amount ${amount} is over the limit`);
    return { refunded: amount };
  });
  try {
    const { id } = await axme.submit({ type, input: { amount: 500 }, maxAttempts: 1, retry: { onExhausted: 'ESCALATE' } });
    const waiting = await call(c, 'await_intent', { id, timeoutSeconds: 20 });
    expect(waiting.structuredContent).toMatchObject({ status: 'WAITING', waitingFor: 'APPROVAL', needsInput: true });
    const [a] = (await call(c, 'list_approvals', { intentId: id })).structuredContent!.approvals;
    expect(a).toMatchObject({ type: 'axme.escalation', options: ['retry', 'fork', 'fail'], status: 'PENDING' });
    expect(a.description).toContain('amount 500 is over the limit');
    const bad = await call(c, 'decide_approval', { approvalId: a.id, outcome: 'fork', data: { input: {}, inputPatch: {} } });
    expect(bad.isError).toBe(true);
    const decided = await call(c, 'decide_approval', { approvalId: a.id, outcome: 'fork', data: { inputPatch: { amount: 90 } } });
    const forkedTo = decided.structuredContent!.result.forkedTo as string;
    expect(decided.structuredContent).toMatchObject({ status: 'RESOLVED', outcome: 'fork' });
    const done = await call(c, 'await_intent', { id: forkedTo, timeoutSeconds: 20 });
    expect(done.structuredContent).toMatchObject({ status: 'COMPLETED', output: { refunded: 90 } });
    expect((await call(c, 'get_intent', { id })).structuredContent).toMatchObject({ status: 'FAILED' });
  } finally {
    await w.stop();
    await c.close();
  }
});
