/**
 * What the browser tests stand on: a real server on a real port with auth on and
 * an admin key, Debian's Chromium through playwright-core, screenshots, and a small
 * agent built on the typed client.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Axme, createClient } from '../../packages/client/src/index.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { createAxme } from '../../src/app.ts';
import { ApiKeys } from '../../src/auth/keys.ts';
import { AxmeClient } from '../../packages/client/src/client.ts';
import * as ops from '../../packages/client/src/generated/graphql.ts';
import { systemClock } from '../../src/core/clock.ts';
import { TypedDocumentString } from '../../packages/client/src/generated/graphql.ts';
import type { Db } from '../../src/db/types.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { Worker } from '../../packages/client/src/worker.ts';

export const ARTIFACTS = 'test-results/e2e';
/** Set AXME_DOCS_SCREENSHOTS=1 to refresh the README's screenshots in docs/screenshots. */
const DOCS = process.env.AXME_DOCS_SCREENSHOTS ? 'docs/screenshots' : null;

export interface Server {
  running: RunningServer;
  origin: string;
  graphql: string;
  close(): Promise<void>;
}

/** A server on `port` (0: any free one) over the given database, with auth on and the sweeper running. */
export async function startServer(db: Db, port = 0, prefix = 'axme-e2e'): Promise<Server> {
  const config = loadConfig({
    PORT: String(port),
    AXME_LOG_LEVEL: 'silent',
    AXME_AUTH: 'on',
    AXME_SUBSCRIPTION_POLL_MS: '50',
    AXME_CLAIM_POLL_MS: '50',
    AXME_SHUTDOWN_TIMEOUT_MS: '2000',
    AXME_REDIS_PREFIX: prefix,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const app = await createAxme(config, createLogger('silent'), { db });
  const running = await listen(app, createLogger('silent'));
  const graphql = running.url.replace('localhost', '127.0.0.1');
  return { running, graphql, origin: new URL(graphql).origin, close: () => running.shutdown() };
}

/** An admin key: the dashboard resolves approvals, and the role map leaves requestApproval to admins for now. */
export async function adminKey(db: Db, name = 'e2e-admin'): Promise<string> {
  return (await new ApiKeys(db, systemClock).create({ namespace: 'default', name, role: 'admin' })).secret;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.AXME_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    // the machine's network is closed: no background calls home, no QUIC, no sandbox as root
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (its own storage); with a key it starts signed in. */
export async function openContext(browser: Browser, o: { key?: string; width?: number; height?: number } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 } });
  context.setDefaultTimeout(20_000);
  if (o.key) await context.addInitScript((k) => localStorage.setItem('axme.apiKey', k), o.key);
  return context;
}

export async function shot(page: Page, name: string, docs = false): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (docs && DOCS) {
    await mkdir(DOCS, { recursive: true });
    await copyFile(file, join(DOCS, `${name}.png`));
  }
}

export interface E2e {
  readonly db: TestDb;
  readonly server: Server;
  /** An admin key, and a typed client (with workers) that uses it. */
  readonly key: string;
  readonly client: Axme;
  readonly browser: Browser;
  /** A fresh browser context, signed in with `key` unless another (or null: none) is given; closed after the file. */
  context(o?: { key?: string | null; width?: number; height?: number }): Promise<BrowserContext>;
}

/**
 * What a browser test file needs, set up before its tests and torn down after them: a fresh
 * database, a listening server with auth on, an admin key, a client, and Chromium.
 */
export function useE2e(prefix = 'axme-e2e'): E2e {
  let db: TestDb | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let key = '';
  let client: Axme | undefined;
  const contexts: BrowserContext[] = [];
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useE2e: used before beforeAll ran');
    return v;
  };
  beforeAll(async () => {
    db = await freshDb();
    server = await startServer(db.db, 0, `${prefix}-${Math.random().toString(16).slice(2, 10)}`);
    key = await adminKey(db.db);
    client = createClient({ url: server.graphql, apiKey: key });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    await db?.close();
  });
  return {
    get db() { return ready(db); },
    get server() { return ready(server); },
    get key() { return key; },
    get client() { return ready(client); },
    get browser() { return ready(browser); },
    async context(o = {}) {
      const { key: k = key, ...rest } = o;
      const context = await openContext(ready(browser), { ...rest, ...(k ? { key: k } : {}) });
      contexts.push(context);
      return context;
    },
  };
}

/** Marks the page so a later check can tell that it was never reloaded. */
export const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { __e2e: number }).__e2e = 1));
export const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { __e2e?: number }).__e2e === 1);

const RequestApproval = new TypedDocumentString<
  { requestApproval: { id: string } },
  { input: { id: string; leaseToken: string; approval: Record<string, unknown> } }
>(`mutation RequestApproval($input: RequestApprovalInput!) { requestApproval(input: $input) { id } }`);

const LatestApproval = new TypedDocumentString<
  { intent: { approvals: { outcome: string | null; comment: string | null; data: unknown }[] } | null },
  { id: string }
>(`query LatestApproval($id: ID!) { intent(id: $id) { approvals(first: 1) { outcome comment data } } }`);

export const APPROVAL_FORM = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'integer', title: 'Amount (EUR)' },
    tier: { enum: ['standard', 'express'], title: 'Tier' },
    urgent: { type: 'boolean', title: 'Urgent' },
    note: { type: 'string', title: 'Note for the agent' },
  },
};

/**
 * An agent: claims `type`, asks a human on its first attempt, and completes with
 * the decision once the approval brings the intent back.
 */
export function startAgent(url: string, apiKey: string, type: string) {
  const client = new AxmeClient({ url, apiKey });
  const ac = new AbortController();
  const errors: unknown[] = [];
  const loop = (async () => {
    while (!ac.signal.aborted) {
      try {
        const lease = (await client.request(ops.ClaimIntentDocument, { input: { types: [type], agent: 'refund-agent', waitSeconds: 1 } }, ac.signal)).claimIntent;
        if (!lease) continue;
        const { id } = lease.intent;
        const decision = (await client.request(LatestApproval, { id })).intent?.approvals[0];
        if (!decision) {
          await client.request(RequestApproval, {
            input: {
              id,
              leaseToken: lease.token,
              approval: {
                title: `Refund order ${(lease.intent.input as { order: string }).order}?`,
                description: 'The customer asks for a refund above the automatic limit.',
                options: ['approve', 'reject'],
                formSchema: APPROVAL_FORM,
              },
            },
          });
        } else {
          await client.request(ops.CompleteIntentDocument, { input: { id, leaseToken: lease.token, output: { decision: decision.outcome, comment: decision.comment, data: decision.data } } });
        }
      } catch (err) {
        if (!ac.signal.aborted) errors.push(err);
      }
    }
  })();
  return {
    errors,
    async stop() {
      ac.abort();
      await loop;
    },
  };
}

/**
 * An agent of two durable steps whose second refuses the prompt "bad": a run to fail, then
 * fork or escalate with an edited input. `calls` counts each step's real runs.
 */
export function summarizer(client: Axme, type: string) {
  const calls = { research: 0, summarize: 0 };
  const worker = new Worker(client, { types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    const facts = await run.step('research', () => (calls.research++, ['a', 'b']));
    const prompt = (run.input as { prompt: string }).prompt;
    return run.step('summarize', () => {
      calls.summarize++;
      if (prompt === 'bad') throw new Error('the model refused the prompt');
      return `${prompt}: ${facts.join(', ')}`;
    });
  });
  return { worker, calls };
}
