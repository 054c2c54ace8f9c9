// The Workers view in Chromium: a worker appears when it starts, shows what it has in
// flight and when it was last seen, follows claims and completions without a reload,
// and shows STOPPED after a graceful stop and LOST when its heartbeats stop.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import * as ops from '../../packages/client/src/generated/graphql.ts';
import { markPage, shot, stillSamePage, useE2e } from './harness.ts';

const e2e = useE2e();

async function open(path: string): Promise<Page> {
  const context = await e2e.context();
  const page = await context.newPage();
  await page.goto(e2e.server.origin + path);
  return page;
}

const row = (page: Page, id: string, attrs = '') => page.locator(`tr[data-id="${id}"]${attrs}`);

it('shows workers live: in-flight intents, last seen, then STOPPED and LOST', async () => {
  const page = await open('/ui/workers');
  await page.locator('[data-connection="connected"]').waitFor();
  await page.getByText('No workers.').waitFor();
  await markPage(page);

  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const worker = e2e.client.worker({ types: ['e2e.workers'], identity: 'e2e-worker-1', agent: 'e2e-research-worker', concurrency: 2, waitSeconds: 1 }, async () => {
    await held;
    return { ok: true };
  });
  try {
    const intent = await e2e.client.submit({ type: 'e2e.workers', input: {} });
    const sessionId = await page.locator('tr[data-status="CONNECTED"]').first().getAttribute('data-id', { timeout: 20_000 });
    const connected = row(page, sessionId!, '[data-in-flight="1"]');
    await connected.waitFor();
    expect(await connected.textContent()).toContain('e2e-research-worker');
    expect(await connected.locator('[data-field="in-flight"]').textContent()).toContain('1/2');
    expect(await connected.locator(`a[href="/ui/intents/${intent.id}"]`).count()).toBe(1);
    expect(await connected.textContent()).toContain('@axme/client');
    await shot(page, 'workers', true);
    // the intent's own page names the worker that holds it
    await connected.locator(`a[href="/ui/intents/${intent.id}"]`).click();
    expect(await page.locator('[data-field="worker"]').textContent()).toContain('e2e-research-worker');
    await page.goBack();
    await connected.waitFor();

    release();
    await row(page, sessionId!, '[data-in-flight="0"]').waitFor();
    await worker.stop();
    // stopped sessions leave the Connected tab and stay under All
    await row(page, sessionId!).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'All' }).click();
    await row(page, sessionId!, '[data-status="STOPPED"]').waitFor();

    // a worker that registers and then goes silent is LOST after sessionSeconds
    const silent = (await e2e.client.request(ops.RegisterWorkerDocument, {
      input: { name: 'e2e-silent', identity: 'e2e-silent', types: ['e2e.workers'], sessionSeconds: 2 },
    })).registerWorker;
    await row(page, silent.id, '[data-status="CONNECTED"]').waitFor();
    await row(page, silent.id, '[data-status="LOST"]').waitFor({ timeout: 20_000 });
    expect(await stillSamePage(page)).toBe(true);
  } finally {
    release();
    await worker.stop();
  }
});
