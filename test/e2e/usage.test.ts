// The Usage view in Chromium: a worker's steps report model calls for two types and two
// models; the view shows today's cost as a bar, the window's total, the split per model
// and per type, narrows to one type on click, and moves when a new step is recorded.
import { expect, it } from 'vitest';
import { Worker } from '../../packages/client/src/worker.ts';
import { shot, useE2e } from './harness.ts';

const e2e = useE2e();

it('charts the cost per day and splits it per model and per type, live', async () => {
  const worker = new Worker(e2e.client, { types: ['e2e.cost.research', 'e2e.cost.triage'], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    const { model, cost } = run.input as { model: string; cost: number };
    await run.step('call', () => ({ model }), { usage: () => ({ model, inputTokens: 1000, outputTokens: 100, costUsd: cost }) });
    return { ok: true };
  });
  const runOne = async (type: string, model: string, cost: number) => {
    const intent = await e2e.client.submit({ type, input: { model, cost } });
    await e2e.client.result(intent.id, { signal: AbortSignal.timeout(20_000) });
  };
  try {
    await runOne('e2e.cost.research', 'gpt-big', 0.5);
    await runOne('e2e.cost.research', 'gpt-small', 0.25);
    await runOne('e2e.cost.triage', 'gpt-small', 0.125);

    const page = await (await e2e.context()).newPage();
    await page.goto(`${e2e.server.origin}/ui/usage`);
    const total = page.locator('[data-field="usage-total"]');
    await total.waitFor();
    expect(await total.textContent()).toMatch(/^\$0\.8750 over 3 calls in 30 days$/);
    // one bar per day of the window; only today's has a cost
    expect(await page.locator('.usage-bar').count()).toBe(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.locator(`.usage-bar[data-day="${today}"]`).getAttribute('data-cost')).toBe('0.875');
    const row = (table: string, name: string) => page.locator(`[data-table="${table}"] [data-row="${name}"]`).textContent();
    expect(await row('By model', 'gpt-big')).toMatch(/^gpt-big\$0\.5000 ?11000 \/ 100$/);
    expect(await row('By model', 'gpt-small')).toMatch(/^gpt-small\$0\.3750 ?22000 \/ 200$/);
    expect(await row('By type', 'e2e.cost.research')).toMatch(/\$0\.7500 ?2/);
    await shot(page, 'usage-view', true);

    // a new step's usage reaches the open view
    await runOne('e2e.cost.triage', 'gpt-big', 1);
    await page.waitForFunction(() => document.querySelector('[data-field="usage-total"]')?.textContent?.startsWith('$1.88 over 4 calls'));

    // one type narrows the chart and the tables
    await page.locator('[data-table="By type"] [data-row="e2e.cost.triage"] a').click();
    await page.waitForFunction(() => document.querySelector('[data-field="usage-total"]')?.textContent?.startsWith('$1.13 over 2 calls'));
    expect(await page.locator('h1').textContent()).toContain('e2e.cost.triage');
    expect(await page.locator('[data-table="By type"] tbody tr').count()).toBe(1);
    await page.locator('button', { hasText: 'All types' }).click();
    await page.waitForFunction(() => document.querySelector('[data-field="usage-total"]')?.textContent?.startsWith('$1.88'));
  } finally {
    await worker.stop();
  }
});
