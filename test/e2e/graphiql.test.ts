import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AxmeClient } from '../../packages/client/src/client.ts';
import * as ops from '../../packages/client/src/generated/graphql.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { adminKey, launchBrowser, openContext, type Server, shot, startServer } from './harness.ts';

let tdb: TestDb;
let server: Server;
let browser: Browser;
let key: string;
let client: AxmeClient;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  tdb = await freshDb();
  server = await startServer(tdb.db, 0, `axme-e2e-${randomBytes(4).toString('hex')}`);
  key = await adminKey(tdb.db);
  client = new AxmeClient({ url: server.graphql, apiKey: key });
  browser = await launchBrowser();
});

const afterChecks: (() => void)[] = [];
afterEach(() => {
  for (const check of afterChecks.splice(0)) check();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await tdb?.close();
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const offMachine = (url: string) => /^(https?|wss?):$/.test(new URL(url).protocol) && !LOOPBACK.has(new URL(url).hostname);

const queryEditor = (page: Page) => page.locator('.graphiql-query-editor .graphiql-editor');
const result = (page: Page, text: RegExp) => page.locator('.graphiql-response').filter({ hasText: text }).waitFor();

/**
 * GraphiQL in a browser that reaches nothing but this machine: every request and
 * socket to another host is aborted and recorded, as on a machine without internet.
 */
async function openOffline(): Promise<{ page: Page; blocked: string[]; served: string[] }> {
  const context = await openContext(browser);
  contexts.push(context);
  const blocked: string[] = [];
  const served: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!offMachine(url)) {
      served.push(new URL(url).pathname);
      return route.continue();
    }
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (!offMachine(ws.url())) return ws.connectToServer();
    blocked.push(ws.url());
    return ws.close();
  });
  const page = await context.newPage();
  // the page's own CSP must allow everything GraphiQL does: any violation fails the test
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  afterChecks.push(() => expect(violations).toEqual([]));
  await page.goto(`${server.origin}/graphql`);
  await queryEditor(page).waitFor().catch((err: unknown) => {
    throw new Error(`GraphiQL did not load; blocked: ${blocked.join(' ') || 'nothing'}`, { cause: err });
  });
  return { page, blocked, served };
}

/** Types the API key into the Headers tab, as the README tells a user to. */
async function signIn(page: Page): Promise<void> {
  await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
  await page.locator('section.graphiql-editor-tool .graphiql-editor[data-mode-id="json"]:not(.hidden)').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(JSON.stringify({ authorization: `Bearer ${key}` }));
}

/** Replaces the operation in the editor and waits until GraphiQL has read it (the tab takes its name). */
async function typeOperation(page: Page, name: string, operation: string): Promise<void> {
  await queryEditor(page).click();
  await page.keyboard.press('ControlOrMeta+A');
  // one line: Monaco auto-closes brackets on Enter, which would double them
  await page.keyboard.insertText(operation);
  await page.locator(`.graphiql-tab-button[title="${name}"]`).waitFor();
  // readable in the screenshots: prettified, and scrolled back to its start
  await page.getByRole('button', { name: /^Prettify query/ }).click();
  await queryEditor(page).click();
  await page.keyboard.press('ControlOrMeta+Home');
}

describe('GraphiQL in Chromium without internet', () => {
  it('loads from the server alone and runs a query typed in the editor', async () => {
    const intent = await client.submit({ type: 'e2e.graphiql', input: { question: 'offline?' } });
    const { page, blocked, served } = await openOffline();
    await signIn(page);
    await typeOperation(page, 'One', `query One { intent(id: "${intent.id}") { id type status } }`);
    await page.locator('.graphiql-execute-button').click();
    await result(page, new RegExp(`"id":\\s*"${intent.id}"`));
    await result(page, /"type":\s*"e2e\.graphiql"[\s\S]*"status":\s*"PENDING"/);
    await shot(page, 'graphiql-query');

    // the script, styles and every Monaco worker came from the server itself
    for (const asset of [/^\/graphiql\/graphiql-\w+\.js$/, /^\/graphiql\/graphiql-\w+\.css$/, /^\/graphiql\/editor\.worker-\w+\.js$/, /^\/graphiql\/json\.worker-\w+\.js$/, /^\/graphiql\/graphql\.worker-\w+\.js$/]) {
      // Monaco starts its language workers lazily, sometimes after the first query has run
      await expect.poll(() => served.some((p) => asset.test(p)), { message: String(asset), timeout: 15_000 }).toBe(true);
    }
    expect(blocked).toEqual([]);
  });

  it('shows intentEvents live in the result pane as intents change over HTTP', async () => {
    const { page, blocked } = await openOffline();
    await signIn(page);
    await typeOperation(page, 'Live', 'subscription Live { intentEvents(filter: { types: ["e2e.graphiql.live"] }) { seq kind intent { id type } } }');
    // the server subscribes before it answers, so an intent submitted after the answer is not missed
    const stream = page.waitForResponse((r) => r.url().startsWith(server.graphql) && (r.headers()['content-type'] ?? '').startsWith('text/event-stream'));
    await page.locator('.graphiql-execute-button').click();
    expect((await stream).request().headers().authorization).toBe(`Bearer ${key}`);

    const intent = await client.submit({ type: 'e2e.graphiql.live', input: { n: 1 } });
    await result(page, new RegExp(`"seq":\\s*1,\\s*"kind":\\s*"SUBMITTED",[\\s\\S]*"id":\\s*"${intent.id}"`));
    // the stream stays open: the next transition replaces it
    const worker = new AxmeClient({ url: server.graphql, apiKey: await adminKey(tdb.db, 'e2e-graphiql-worker') });
    await worker.request(ops.ClaimIntentDocument, { input: { types: ['e2e.graphiql.live'], agent: 'e2e-graphiql-worker' } });
    await result(page, new RegExp(`"seq":\\s*2,\\s*"kind":\\s*"CLAIMED",[\\s\\S]*"id":\\s*"${intent.id}"`));
    await shot(page, 'graphiql-subscription');
    expect(blocked).toEqual([]);
  });
});
