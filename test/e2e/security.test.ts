// The dashboard under the server's CSP and key-keeping rules, in Chromium: it loads and
// goes live with no policy violation, keeps the key for the tab unless remembered, and
// another site cannot frame it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { adminKey, launchBrowser, openContext, type Server, startServer } from './harness.ts';

let tdb: TestDb;
let server: Server;
let browser: Browser;
let key: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  tdb = await freshDb();
  server = await startServer(tdb.db, 0, 'axme-e2e-security');
  key = await adminKey(tdb.db);
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await tdb?.close();
});

/** A page that records every CSP violation it meets. */
async function page(context: BrowserContext): Promise<{ page: Page; violations: string[] }> {
  const p = await context.newPage();
  const violations: string[] = [];
  p.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await p.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  return { page: p, violations };
}

const signIn = async (p: Page, remember: boolean) => {
  await p.goto(`${server.origin}/ui/`);
  await p.locator('.overlay input[name="apiKey"]').fill(key);
  if (remember) await p.locator('.overlay input[name="remember"]').check();
  await p.locator('.overlay button[type="submit"]').click();
  await p.locator('[data-connection="connected"]').waitFor();
};
const stored = (p: Page) => p.evaluate(() => [sessionStorage.getItem('axme.apiKey'), localStorage.getItem('axme.apiKey')]);

describe('the dashboard under its CSP', () => {
  it('loads, takes a key and goes live over WebSocket with no policy violation; the key stays with the tab', async () => {
    const context = await openContext(browser);
    contexts.push(context);
    const { page: p, violations } = await page(context);
    await signIn(p, false);
    await p.locator('[data-count="PENDING"]').waitFor();
    expect(await stored(p)).toEqual([key, null]);
    await p.reload();
    await p.locator('[data-connection="connected"]').waitFor();
    // another tab of the same browser does not get it
    const other = await context.newPage();
    await other.goto(`${server.origin}/ui/`);
    await other.locator('.overlay input[name="apiKey"]').waitFor();
    expect(violations).toEqual([]);
  });

  it('keeps a remembered key for the next visit', async () => {
    const context = await openContext(browser);
    contexts.push(context);
    const { page: p } = await page(context);
    await signIn(p, true);
    expect(await stored(p)).toEqual([null, key]);
    const next = await context.newPage();
    await next.goto(`${server.origin}/ui/`);
    await next.locator('[data-connection="connected"]').waitFor();
  });

  it('cannot be framed by another page', async () => {
    const context = await openContext(browser);
    contexts.push(context);
    const { page: p } = await page(context);
    const blocked = p.waitForEvent('console', (m) => /frame-ancestors|X-Frame-Options|refused to (display|frame)/i.test(m.text()));
    await p.setContent(`<iframe src="${server.origin}/ui/"></iframe>`);
    await blocked;
    const frame = p.frames().find((f) => f.url().startsWith(server.origin));
    expect(await frame?.locator('#app').count().catch(() => 0) ?? 0).toBe(0);
  });
});
