import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import {
  BadUserInputError, ConflictError, defaultSender, InternalError, LeaseLostError, NonRetryableError, NotFoundError, RetryAfterError, createClient, fromGraphQLError, type Axme,
  type ErrorCode as ClientErrorCode,
} from '@axme/client';
import { loadConfig } from '../src/core/config.ts';
import { ERROR_CODES, type ErrorCode } from '../src/core/errors.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let tdb: TestDb;
let server: RunningServer;
let client: Axme;

beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_CLAIM_POLL_MS: '50', AXME_SHUTDOWN_TIMEOUT_MS: '500' });
  server = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
  client = createClient({ url: server.url });
});
afterAll(async () => {
  await server.shutdown();
  await tdb.close();
});

let n = 0;
const uniqueType = () => `client.t${++n}`;
const quiet = { onError: () => {}, waitSeconds: 1 };

describe('error codes', () => {
  it('the client package knows every code the server sends, each with its own class', () => {
    // the client package cannot import the server's list: its own copy must match
    const same: [ClientErrorCode, ErrorCode] extends [ErrorCode, ClientErrorCode] ? true : false = true;
    expect(same).toBe(true);
    for (const code of ERROR_CODES) {
      const err = fromGraphQLError({ message: 'x', extensions: { code } });
      expect(err.code).toBe(code);
      if (code !== 'INTERNAL') expect(err).not.toBeInstanceOf(InternalError);
    }
  });
});

describe('how requests are sent', () => {
  it('on Node goes over node:http, not the global fetch, and a given fetch or sender replaces it', async () => {
    const real = globalThis.fetch;
    let fetched = 0;
    globalThis.fetch = ((...a: Parameters<typeof fetch>) => (fetched++, real(...a))) as typeof fetch;
    try {
      const plain = createClient({ url: server.url });
      expect((await plain.submit({ type: uniqueType() })).status).toBe('PENDING');
      expect(fetched).toBe(0);
      const viaFetch = createClient({ url: server.url, fetch: globalThis.fetch });
      expect((await viaFetch.submit({ type: uniqueType() })).status).toBe('PENDING');
      expect(fetched).toBe(1);
    } finally {
      globalThis.fetch = real;
    }
    const bodies: string[] = [];
    const counted = createClient({ url: server.url, send: (url, init) => (bodies.push(init.body), defaultSender()(url, init)) });
    await counted.get('00000000-0000-7000-8000-000000000000');
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!).variables).toEqual({ id: '00000000-0000-7000-8000-000000000000' });
  });

  it('maps a refused connection to NETWORK and an abort to the signal’s reason, over node:http', async () => {
    const closed = createClient({ url: 'http://127.0.0.1:9/graphql' });
    await expect(closed.get('00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'NETWORK' });
    const type = uniqueType();
    const ac = new AbortController();
    // a long poll the caller gives up on
    const pending = client.claimMany({ types: [type], agent: 'abort-test', limit: 1, waitSeconds: 5 }, ac.signal);
    setTimeout(() => ac.abort(new Error('stopped by the test')), 50);
    await expect(pending).rejects.toThrow('stopped by the test');
    // the server released the poll: work submitted now is claimable by another
    await client.submit({ type });
    expect(await client.claimMany({ types: [type], agent: 'other', limit: 1 })).toHaveLength(1);
  });
});

describe('client calls', () => {
  it('submits, reads, lists, cancels and retries with typed results', async () => {
    const type = uniqueType();
    const a = await client.submit({ type, input: { q: 1 }, labels: ['x'] });
    expect(a).toMatchObject({ type, status: 'PENDING', input: { q: 1 }, labels: ['x'] });
    expect((await client.get(a.id))?.id).toBe(a.id);
    const page = await client.list({ type: [type] });
    expect(page.totalCount).toBe(1);
    expect((await client.cancel(a.id, 'test')).status).toBe('CANCELLED');
    expect((await client.retry(a.id)).status).toBe('PENDING');
    expect((await client.events(a.id)).map((e) => e.kind)).toEqual(['SUBMITTED', 'CANCELLED', 'RETRIED']);
  });

  it('raises the error class of each code', async () => {
    await expect(client.cancel('01900000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.submit({ type: 'bad type' })).rejects.toBeInstanceOf(BadUserInputError);
    const type = uniqueType();
    await client.submit({ type, idempotencyKey: 'k', input: 1 });
    const err = await client.submit({ type, idempotencyKey: 'k', input: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.code).toBe('CONFLICT');
  });
});

describe('worker', () => {
  it('claims, runs and completes intents, several at once', async () => {
    const type = uniqueType();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(async (x) => (await client.submit({ type, input: { x } })).id));
    const w = client.worker<{ x: number }>({ types: [type], concurrency: 2, ...quiet }, async (run) => ({ doubled: run.input.x * 2 }));
    const results = await Promise.all(ids.map((id) => client.result(id)));
    await w.stop();
    expect(results.map((r) => [r.status, r.output])).toEqual([1, 2, 3, 4, 5].map((x) => ['COMPLETED', { doubled: x * 2 }]));
  });

  it('claims up to its free slots in one request and sends completions that finish together in one', async () => {
    const type = uniqueType();
    const ids = await Promise.all(Array.from({ length: 8 }, async () => (await client.submit({ type })).id));
    const sent: string[] = [];
    const counting = createClient({
      url: server.url,
      fetch: (url, init) => {
        sent.push(/mutation (\w+)/.exec(JSON.parse(String(init?.body)).query)?.[1] ?? '?');
        return fetch(url, init);
      },
    });
    let started = 0;
    let release!: () => void;
    let allStarted!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started8 = new Promise<void>((r) => (allStarted = r));
    const w = counting.worker({ types: [type], concurrency: 8, ...quiet }, async (run) => {
      if (++started === 8) allStarted();
      await gate;
      return run.intent.id;
    });
    await started8;
    release(); // all eight finish in the same tick
    await w.stop();
    const results = await Promise.all(ids.map((id) => client.result(id)));
    expect(results.every((r) => r.status === 'COMPLETED' && r.output === r.id)).toBe(true);
    expect(sent.filter((op) => op === 'ClaimIntents').length).toBe(1); // all 8 in the first claim
    const completes = sent.filter((op) => op === 'CompleteIntentsAck').length;
    expect(completes).toBeGreaterThanOrEqual(1);
    expect(completes).toBeLessThan(8);
  });

  it('keeps a batch of completions under the request size the server takes', async () => {
    const type = uniqueType();
    const ids = await Promise.all(Array.from({ length: 6 }, async () => (await client.submit({ type })).id));
    let started = 0;
    let allStarted!: () => void;
    const started6 = new Promise<void>((r) => (allStarted = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const errors: unknown[] = [];
    // six outputs of 0.9 MB finish together: 5.4 MB would be over the 4 MiB body limit in one request
    const w = client.worker({ types: [type], concurrency: 6, ...quiet, onError: (e) => errors.push(e) }, async () => {
      if (++started === 6) allStarted();
      await gate;
      return 'x'.repeat(900_000);
    });
    await started6;
    release();
    await w.stop();
    expect(errors).toEqual([]);
    for (const id of ids) expect((await client.get(id))?.status).toBe('COMPLETED');
  });

  it('claims no more than the server allows per request, whatever its concurrency', async () => {
    const type = uniqueType();
    const ids = await Promise.all([1, 2, 3].map(async () => (await client.submit({ type })).id));
    const errors: unknown[] = [];
    const w = client.worker({ types: [type], concurrency: 1500, ...quiet, onError: (e) => errors.push(e) }, async () => 'done');
    const results = await Promise.all(ids.map((id) => client.result(id)));
    await w.stop();
    expect(results.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(errors).toEqual([]);
    expect(() => client.worker({ types: [type], concurrency: 0 }, () => null)).toThrow(RangeError);
  });

  it('claimMany and completeMany settle each item on its own', async () => {
    const type = uniqueType();
    await client.submit({ type });
    await client.submit({ type });
    const [a, b] = await client.claimMany({ types: [type], limit: 5 });
    const results = await client.completeMany([
      { id: a!.intent.id, leaseToken: a!.token, output: 'ok' },
      { id: b!.intent.id, leaseToken: a!.token },
    ]);
    expect(results[0]).toMatchObject({ intent: { status: 'COMPLETED', output: 'ok' } });
    expect('error' in results[1]! && results[1].error).toBeInstanceOf(LeaseLostError);
  });

  it('runs each durable step once: after a failed attempt the retry gets stored results', async () => {
    const type = uniqueType();
    const calls = { plan: 0, draft: 0, send: 0 };
    const intent = await client.submit({ type, input: {}, maxAttempts: 3 });
    const w = client.worker({ types: [type], ...quiet }, async (run) => {
      const plan = await run.step('plan', () => ({ n: ++calls.plan, r: Math.random() }));
      const draft = await run.step('draft', async () => `draft ${++calls.draft} of plan ${plan.n}`);
      if (run.attempt === 1) throw new Error('the LLM provider hung up');
      const sent = await run.step('send', () => ++calls.send);
      return { plan, draft, sent };
    });
    const done = await client.result(intent.id);
    await w.stop();
    expect(done.status).toBe('COMPLETED');
    expect(done.attempt).toBe(2);
    expect(calls).toEqual({ plan: 1, draft: 1, send: 1 });
    expect(done.output).toMatchObject({ draft: 'draft 1 of plan 1', sent: 1 });
  });

  it('keeps the handler’s state across attempts', async () => {
    const type = uniqueType();
    const intent = await client.submit({ type, maxAttempts: 2 });
    const w = client.worker({ types: [type], ...quiet }, async (run) => {
      if (run.attempt === 1) {
        await run.checkpoint({ seen: ['first'] });
        throw new Error('crash');
      }
      return { state: run.state };
    });
    const done = await client.result(intent.id);
    await w.stop();
    expect(done.output).toEqual({ state: { seen: ['first'] } });
  });

  it('refuses a second step of the same name in one run, and fails the intent at once', async () => {
    const type = uniqueType();
    const intent = await client.submit({ type, maxAttempts: 3 });
    let calls = 0;
    const w = client.worker({ types: [type], ...quiet }, async (run) => {
      await run.step('search', () => ++calls);
      await run.step('search', () => ++calls);
      return 'unreachable';
    });
    const r = await client.result(intent.id);
    await w.stop();
    expect(calls).toBe(1);
    expect(r).toMatchObject({ status: 'FAILED', attempt: 1, error: { code: 'DUPLICATE_STEP', retryable: false } });
    expect(r.error?.message).toMatch(/step "search" already ran in this run/);
  });

  it('fails without retrying on NonRetryableError, and schedules a RetryAfterError’s retry no sooner than it says', async () => {
    const type = uniqueType();
    const bad = await client.submit({ type, input: { kind: 'bad' }, maxAttempts: 5 });
    const limited = await client.submit({ type, input: { kind: 'limited' }, maxAttempts: 2 });
    const w = client.worker<{ kind: string }>({ types: [type], ...quiet }, async (run) => {
      if (run.input.kind === 'bad') throw new NonRetryableError('input makes no sense');
      throw new RetryAfterError(30, 'rate limited');
    });
    const b = await client.result(bad.id);
    let scheduled: { at: string; data: any } | null = null;
    for await (const e of client.watch(limited.id)) {
      if (e.kind === 'RETRY_SCHEDULED') {
        scheduled = e;
        break;
      }
    }
    await w.stop();
    await client.cancel(limited.id);
    expect(b).toMatchObject({ status: 'FAILED', attempt: 1, error: { message: 'input makes no sense', code: 'NonRetryableError', retryable: false } });
    expect(scheduled!.data.error).toMatchObject({ message: 'rate limited', retryable: true });
    expect(Date.parse(scheduled!.data.runAt) - Date.parse(scheduled!.at)).toBeGreaterThanOrEqual(30_000);
  });

  it('aborts the handler through its signal when the intent is cancelled', async () => {
    const type = uniqueType();
    const intent = await client.submit({ type });
    let sawAbort: unknown = null;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const w = client.worker({ types: [type], heartbeatMs: 30, ...quiet }, async (run) => {
      started();
      await new Promise<void>((resolve) => run.signal.addEventListener('abort', () => resolve(), { once: true }));
      sawAbort = run.signal.reason;
      return 'ignored';
    });
    await running;
    await client.cancel(intent.id, 'user gave up');
    await w.stop();
    expect(sawAbort).toBeInstanceOf(ConflictError);
    const after = (await client.get(intent.id))!;
    expect(after).toMatchObject({ status: 'CANCELLED', output: null });
  });

  it('stop() lets a running handler finish and report before resolving', async () => {
    const type = uniqueType();
    const intent = await client.submit({ type });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const w = client.worker({ types: [type], ...quiet }, async () => {
      started();
      await new Promise((r) => setTimeout(r, 200));
      return 'finished';
    });
    await running;
    await w.stop();
    expect(await client.get(intent.id)).toMatchObject({ status: 'COMPLETED', output: 'finished' });
  });
});
