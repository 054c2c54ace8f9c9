// The dashboard's intent page shows an output stream live: text appended as it
// arrives, then, after the server went away and came back, the chunks appended
// meanwhile exactly once, and "ended" once the intent finished.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
const prefix = `axme-e2e-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  tdb = await freshDb();
  server = await startServer(tdb.db, 0, prefix);
  key = await adminKey(tdb.db);
  client = new AxmeClient({ url: server.graphql, apiKey: key });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await tdb?.close();
});

it('shows a stream growing live, resumes after the server comes back with nothing lost or doubled, and ends with the intent', async () => {
  const intent = await client.submit({ type: 'e2e.stream' });
  const [lease] = await client.claimMany({ types: ['e2e.stream'], limit: 1, leaseSeconds: 600 });
  const append = (...chunks: string[]) =>
    client.request(ops.AppendStreamDocument, { input: { id: intent.id, leaseToken: lease!.token, stream: 'answer', chunks } });
  await append('Hello', ', ');

  const context = await openContext(browser, { key });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${server.origin}/ui/intents/${intent.id}`);
  const text = page.locator('[data-stream="answer"] [data-stream-text]');
  await expect.poll(() => text.textContent()).toBe('Hello, ');
  await append('world');
  await expect.poll(() => text.textContent()).toBe('Hello, world');

  const port = Number(new URL(server.origin).port);
  await server.close();
  await page.locator('[data-connection="reconnecting"]').waitFor();
  server = await startServer(tdb.db, port, prefix);
  // appended while the page was cut off: it resumes from the last index it showed
  await append('!', ' Bye.');
  await expect.poll(() => text.textContent(), { timeout: 20_000 }).toBe('Hello, world! Bye.');
  await client.completeMany([{ id: intent.id, leaseToken: lease!.token, output: { ok: true } }]);
  await page.locator('[data-stream="answer"] figcaption').getByText('ended').waitFor();
  expect(await text.textContent()).toBe('Hello, world! Bye.');
  await shot(page, 'intent-stream');
});
