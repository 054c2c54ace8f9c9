import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxmeClient } from '../../packages/client/src/client.ts';
import * as ops from '../../packages/client/src/generated/graphql.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { adminKey, launchBrowser, markPage, openContext, type Server, shot, startAgent, startServer, stillSamePage } from './harness.ts';

let tdb: TestDb;
let server: Server;
let browser: Browser;
let key: string;
let client: AxmeClient;
const contexts: BrowserContext[] = [];
const prefix = `axme-e2e-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  tdb = await freshDb();
  server = await startServer(tdb.db, 0, prefix);
  key = await adminKey(tdb.db);
  client = new AxmeClient({ url: server.graphql, apiKey: key });
  browser = await launchBrowser();
});

// everything is closed even when a test failed half-way
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await tdb?.close();
});

async function open(path: string, o: { key?: string | null; width?: number; height?: number } = {}): Promise<Page> {
  const context = await openContext(browser, { ...o, key: o.key === null ? undefined : (o.key ?? key) });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(server.origin + path);
  return page;
}

const row = (page: Page, id: string, status?: string) => page.locator(`tr[data-id="${id}"]${status ? `[data-status="${status}"]` : ''}`);
const live = (page: Page) => page.locator('[data-connection="connected"]').waitFor();
const pageStatus = (page: Page, status: string) => page.locator(`[data-field="status"] [data-status="${status}"]`).waitFor();

describe('the dashboard in Chromium', () => {
  it('asks for the API key when the server requires one, then goes live', async () => {
    const page = await open('/', { key: null });
    expect(page.url()).toBe(`${server.origin}/ui/`);
    const prompt = page.locator('.overlay input[name="apiKey"]');
    await prompt.waitFor();
    await shot(page, 'key-prompt', true);
    await prompt.fill('axme_wrong');
    await page.locator('.overlay button[type="submit"]').click();
    // a wrong key is refused and asked for again
    await page.locator('.overlay').getByText('The server refused this key.').waitFor();
    await prompt.fill(key);
    await page.locator('.overlay button[type="submit"]').click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
    await live(page);
    // not remembered: this tab only
    expect(await page.evaluate(() => [sessionStorage.getItem('axme.apiKey'), localStorage.getItem('axme.apiKey')])).toEqual([key, null]);
    await page.locator('[data-count="PENDING"]').waitFor();
  });

  it('shows an intent submitted through the API at once, and follows its changes without reload', async () => {
    const page = await open('/ui');
    await live(page);
    await markPage(page);
    const type = 'e2e.live';
    const intent = await client.submit({ type, input: { question: 'What changed?' }, labels: ['e2e', 'live'] });
    await row(page, intent.id, 'PENDING').waitFor();
    await page.locator('[data-count="PENDING"] .count-n').filter({ hasNotText: /^0$/ }).waitFor();

    const worker = new AxmeClient({ url: server.graphql, apiKey: await adminKey(tdb.db, 'e2e-worker') });
    const lease = (await worker.request(ops.ClaimIntentDocument, { input: { types: [type], agent: 'e2e-worker' } })).claimIntent!;
    await row(page, intent.id, 'RUNNING').waitFor();
    expect(await row(page, intent.id).textContent()).toContain('e2e-worker');
    for (let i = 0; i < 3; i++) await client.submit({ type: 'e2e.background', input: { n: i }, labels: ['e2e'] });
    // the counts follow the events too
    await page.locator('[data-count="RUNNING"] .count-n').filter({ hasText: /^1$/ }).waitFor();
    await page.locator('[data-count="PENDING"] .count-n').filter({ hasText: /^3$/ }).waitFor();
    await shot(page, 'intents', true);
    await worker.request(ops.CompleteIntentDocument, { input: { id: intent.id, leaseToken: lease.token, output: { answer: 42 } } });
    await row(page, intent.id, 'COMPLETED').waitFor();

    // filters: status narrows the table; the text search works on the loaded page
    await page.locator('select[name="status"]').selectOption('COMPLETED');
    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-id]')].every((r) => r.getAttribute('data-status') === 'COMPLETED'));
    await page.locator('tr[data-id]').first().waitFor();
    expect(await page.locator('tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['COMPLETED']);
    await page.locator('select[name="status"]').selectOption('');
    await page.locator('input[name="text"]').fill('background');
    await page.waitForFunction(() => [...document.querySelectorAll('tr[data-id]')].every((r) => r.textContent!.includes('e2e.background')));
    expect(await page.locator('tr[data-id]').count()).toBe(3);
    expect(await stillSamePage(page)).toBe(true);
  });

  it('approves in the browser what an agent asked, and the intent completes live', async () => {
    const type = 'e2e.refund';
    // the agent's own key: its name is the requester the inbox shows
    const agent = startAgent(server.graphql, await adminKey(tdb.db, 'refund-agent'), type);
    try {
      const intent = await client.submit({ type, input: { order: 'A-1001', amount: 1200 } });
      const watcher = await open(`/ui/intents/${intent.id}`);
      await pageStatus(watcher, 'WAITING');
      await markPage(watcher);

      const inbox = await open('/ui/approvals');
      const card = inbox.locator(`article[data-status="PENDING"]:has(a[href$="${intent.id}"])`);
      await card.waitFor();
      expect(await card.textContent()).toContain('Refund order A-1001?');
      expect(await card.textContent()).toContain('refund-agent');
      await card.locator('input[name="amount"]').fill('1200');
      await card.locator('select[name="tier"]').selectOption({ label: 'express' });
      await card.locator('input[name="urgent"]').check();
      await card.locator('textarea[name="comment"]').fill('Within policy for a first refund.');
      await shot(inbox, 'approvals', true);
      await card.locator('button[data-outcome="approve"]').click();
      // the decision shows at once on the card
      const decided = inbox.locator(`article[data-status="RESOLVED"]:has(a[href$="${intent.id}"])`);
      await decided.locator('.result[data-outcome="approve"]').waitFor();
      expect(await decided.textContent()).toContain('Within policy for a first refund.');

      // the agent's next claim completes it, and the open intent page follows without reload
      await pageStatus(watcher, 'COMPLETED');
      await watcher.locator('.timeline li[data-kind="COMPLETED"]').waitFor();
      for (const kind of ['SUBMITTED', 'CLAIMED', 'APPROVAL_REQUESTED', 'APPROVAL_RESOLVED']) {
        expect(await watcher.locator(`.timeline li[data-kind="${kind}"]`).count(), kind).toBeGreaterThan(0);
      }
      const output = await watcher.locator('details[data-json="output"] pre').textContent();
      expect(JSON.parse(output!)).toEqual({ decision: 'approve', comment: 'Within policy for a first refund.', data: { amount: 1200, tier: 'express', urgent: true } });
      expect(await stillSamePage(watcher)).toBe(true);
      await shot(watcher, 'intent', true);
      expect((await client.get(intent.id))!.status).toBe('COMPLETED');
    } finally {
      await agent.stop();
    }
    expect(agent.errors).toEqual([]);
  });

  it('cancels from the intent page, then retries', async () => {
    const intent = await client.submit({ type: 'e2e.cancel', input: { slow: true } });
    const child = await client.submit({ type: 'e2e.cancel.step', input: { step: 1 }, parentId: intent.id });
    const page = await open(`/ui/intents/${intent.id}`);
    await pageStatus(page, 'PENDING');
    await page.locator(`.tree li[data-child="${child.id}"]`).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await pageStatus(page, 'CANCELLED');
    await page.locator('.timeline li[data-kind="CANCELLED"]').waitFor();
    expect((await client.get(intent.id))!.status).toBe('CANCELLED');
    await page.getByRole('button', { name: 'Retry' }).click();
    await pageStatus(page, 'PENDING');
    await page.locator('.timeline li[data-kind="RETRIED"]').waitFor();
    expect((await client.get(intent.id))!.status).toBe('PENDING');
  });

  it('shows reconnecting when the server goes away and resumes from its cursor when it is back', async () => {
    const page = await open('/ui');
    await live(page);
    await markPage(page);
    const before = await client.submit({ type: 'e2e.reconnect', input: { n: 1 } });
    await row(page, before.id).waitFor();

    const port = Number(new URL(server.origin).port);
    await server.close();
    await page.locator('[data-connection="reconnecting"]').waitFor();
    server = await startServer(tdb.db, port, prefix);
    // submitted as soon as the server is back, most likely before the browser reconnects: the cursor replays it
    const after = await client.submit({ type: 'e2e.reconnect', input: { n: 2 } });
    await live(page);
    await row(page, after.id).waitFor();
    expect(await stillSamePage(page)).toBe(true);
  });

  it('renders every view on a narrow screen without sideways scrolling', async () => {
    const [first] = (await client.list({}, { first: 1 })).nodes;
    const noOverflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1);
    const page = await open('/ui', { width: 390, height: 844 });
    await page.locator('tr[data-id]').first().waitFor();
    expect(await page.locator('table.intents thead').evaluate((t) => getComputedStyle(t).display)).toBe('none');
    expect(await noOverflow(page)).toBe(true);
    await shot(page, 'narrow-intents', true);
    await page.goto(`${server.origin}/ui/intents/${first!.id}`);
    await page.locator('[data-field="status"]').waitFor();
    expect(await noOverflow(page)).toBe(true);
    await shot(page, 'narrow-intent');
    await page.goto(`${server.origin}/ui/approvals`);
    await page.getByRole('tab', { name: 'Decided' }).click();
    await page.locator('article[data-status="RESOLVED"]').first().waitFor();
    expect(await noOverflow(page)).toBe(true);
    await shot(page, 'narrow-approvals');
  });
});
