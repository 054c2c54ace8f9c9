// The Schedules view in Chromium: create from the form (a bad cron shows the server's
// message), see next and last fire, pause, resume, fire now and delete.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { adminKey, launchBrowser, openContext, type Server, shot, startServer } from './harness.ts';

let tdb: TestDb;
let server: Server;
let browser: Browser;
let key: string;
let context: BrowserContext | undefined;

beforeAll(async () => {
  tdb = await freshDb();
  server = await startServer(tdb.db, 0, `axme-e2e-${randomBytes(4).toString('hex')}`);
  key = await adminKey(tdb.db);
  browser = await launchBrowser();
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await tdb?.close();
});

async function open(path: string): Promise<Page> {
  context = await openContext(browser, { key });
  const page = await context.newPage();
  await page.goto(server.origin + path);
  return page;
}

describe('the Schedules view', () => {
  it('creates, shows next and last fire, pauses, resumes, fires now and deletes', async () => {
    const page = await open('/ui/');
    await page.getByRole('link', { name: 'Schedules' }).click();
    expect(page.url()).toBe(`${server.origin}/ui/schedules`);
    await page.getByText('No schedules yet.').waitFor();

    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.locator('input[name="name"]').fill('nightly-report');
    await form.locator('input[name="type"]').fill('report.nightly.v1');
    await form.locator('input[name="cron"]').fill('0 3 * *');
    await form.locator('input[name="timezone"]').fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByRole('alert').getByText(/invalid cron expression/).waitFor();

    await form.locator('input[name="cron"]').fill('0 3 * * *');
    await form.locator('textarea[name="input"]').fill('{"format": "pdf"}');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page.locator('tr[data-schedule="nightly-report"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('0 3 * * * (Europe/Berlin)');
    expect(await row.locator('.next-fire').getAttribute('title')).toMatch(/T0[12]:00:00\.000Z$/);
    expect(await row.locator('.last-fire').textContent()).toBe('—');
    await shot(page, 'schedules', true);

    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('PAUSED').waitFor();
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('PAUSED').waitFor({ state: 'detached' });

    await row.getByRole('button', { name: 'Fire now' }).click();
    await row.locator('.last-fire [data-status="PENDING"]').waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe('1');

    // on a phone the table becomes cards, without sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)).toBe(true);
    await shot(page, 'narrow-schedules');
    await page.setViewportSize({ width: 1280, height: 800 });

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No schedules yet.').waitFor();
  });
});
