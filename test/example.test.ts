// The research-agent example end to end: a real server, a fake chat endpoint, and
// the worker as a child process that is SIGKILLed in the middle of an LLM call.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { createClient } from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { until } from './helpers/live.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A stand-in for an OpenAI-compatible endpoint: counts calls per prompt and can hang one call. */
async function fakeChat(hangOnCall: number) {
  const calls: Record<string, number> = {};
  const temperatures: number[] = [];
  let total = 0;
  let hung!: () => void;
  const hangStarted = new Promise<void>((r) => (hung = r));
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { temperature: number; messages: { role: string; content: string }[] };
    const system = body.messages[0]!.content;
    const user = body.messages[1]!.content;
    const step = system.includes('planner') ? 'plan' : system.includes('researcher') ? `research: ${user}` : 'draft';
    calls[step] = (calls[step] ?? 0) + 1;
    temperatures.push(body.temperature);
    if (++total === hangOnCall) {
      hung();
      return; // never answers: the worker is killed while it waits
    }
    const content = step === 'plan' ? '1. Q1?\n2. Q2?\n3. Q3?' : step === 'draft' ? 'The final answer.' : `Notes on ${user}`;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  cleanups.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { url, calls, temperatures, hangStarted };
}

function startWorker(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@axme/source', 'examples/research-agent/worker.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill);
  return { output: () => out, kill };
}

it('survives a SIGKILL mid-step: the restarted worker resumes within seconds, the human approves, no finished LLM call runs again', async () => {
  const tdb: TestDb = await freshDb();
  cleanups.push(() => tdb.close());
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SWEEP_MS: '100', AXME_CLAIM_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500' });
  const server: RunningServer = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
  cleanups.push(() => server.shutdown());
  const fake = await fakeChat(2); // the 2nd call (research on Q1) hangs
  // the default 60 s lease: the restarted worker announces the same identity, so the
  // killed one's session ends and its lease goes back at once, not after 60 s
  const env = { AXME_URL: server.url, OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test', OPENAI_MODEL: 'fake', AXME_WORKER_IDENTITY: 'research-agent@test' };
  const axme = createClient({ url: server.url });

  const first = startWorker(env);
  const intent = await axme.submit({ type: 'research.answer', input: { question: 'Why is the sky blue?' }, maxAttempts: 5 });
  await Promise.race([fake.hangStarted, new Promise((_, reject) => setTimeout(() => reject(new Error(`the worker never reached the 2nd call:\n${first.output()}`)), 30_000))]);
  const saved = (await axme.steps(intent.id))!.filter((s) => s.status === 'COMPLETED').map((s) => s.name);
  expect(saved.sort()).toEqual(['angle', 'plan']);
  await first.kill();

  const restartedAt = Date.now();
  const second = startWorker(env);
  await until(async () => (await axme.events(intent.id)).filter((e) => e.kind === 'CLAIMED').length >= 2, 30_000, 'the restarted worker to reclaim');
  const reclaimMs = Date.now() - restartedAt;
  console.log(`SIGKILL + restart: the restarted worker reclaimed the intent ${reclaimMs} ms after it was started (lease 60 s)`);
  expect(reclaimMs).toBeLessThan(10_000);
  let approvalId = '';
  await until(async () => {
    approvalId = (await axme.approvals({ intentId: intent.id, status: ['PENDING'] })).nodes[0]?.id ?? '';
    return approvalId !== '';
  }, 30_000, 'the approval request');
  const approval = (await axme.approval(approvalId))!;
  expect(approval.description).toBe('The final answer.');
  expect((await axme.get(intent.id))!.lease).toBeNull(); // nobody holds it while the human decides

  await axme.resolveApproval({ approvalId, outcome: 'approve', comment: 'good', resolvedBy: 'tester' });
  const done = await axme.result(intent.id, { signal: AbortSignal.timeout(30_000) });

  expect(done).toMatchObject({ status: 'COMPLETED', output: { sent: true, answer: 'The final answer.', approvedBy: 'tester', comment: 'good' } });
  const angle = (await axme.steps(intent.id, { withOutput: true }))!.find((s) => s.name === 'angle');
  expect(angle?.output).toBe((done.output as { angle: string }).angle);
  // the killed call ran twice; every call that had finished ran once
  expect(fake.calls).toEqual({ plan: 1, 'research: Q1?': 2, 'research: Q2?': 1, 'research: Q3?': 1, draft: 1 });
  expect(fake.temperatures.every((t) => t > 0)).toBe(true);
  expect(second.output().match(/SENT /g)?.length).toBe(1);
  expect(first.output()).not.toContain('SENT ');
  const kinds = (await axme.events(intent.id)).map((e) => e.kind);
  expect(kinds).toContain('LEASE_RELEASED');
  expect(kinds).not.toContain('LEASE_EXPIRED');
  expect(kinds.filter((k) => k === 'COMPLETED')).toHaveLength(1);
}, 90_000);
