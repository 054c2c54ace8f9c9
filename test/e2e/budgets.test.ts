// Budgets in Chromium: an agent over its WAIT budget waits on an axme.budget approval; the
// intent page shows budget against spent, the inbox shows the raise form, and raising the
// USD limit there resumes the intent, which completes from its recorded steps.
import { expect, it } from 'vitest';
import { Worker } from '../../packages/client/src/worker.ts';
import { shot, useE2e } from './harness.ts';

const e2e = useE2e();

it('shows budget vs spent on the intent page, and a raise from the inbox resumes the intent', async () => {
  const type = 'e2e.budget';
  const calls: number[] = [];
  const worker = new Worker(e2e.client, { types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    for (let i = 0; i < 4; i++) {
      await run.step(`llm:${i}`, () => (calls.push(i), { text: `answer ${i}` }), { usage: () => ({ model: 'fake', inputTokens: 100, outputTokens: 50, costUsd: 0.01 }) });
    }
    return { ok: true };
  });
  try {
    const intent = await e2e.client.submit({ type, input: {}, budget: { maxUsd: 0.015, onExceeded: 'WAIT' } });
    const context = await e2e.context();
    const page = await context.newPage();
    await page.goto(`${e2e.server.origin}/ui/intents/${intent.id}`);
    await page.locator('[data-field="status"] [data-status="WAITING"]').waitFor();
    const budget = page.locator('[data-field="budget"] [data-budget="INTENT"]');
    await budget.locator('xpath=self::*[@data-exceeded="true"]').waitFor();
    expect(await budget.textContent()).toMatch(/\$0\.0300 of \$0\.0150.*own · waits for a raise when exceeded · exceeded/);
    await shot(page, 'intent-budget');

    await page.goto(`${e2e.server.origin}/ui/approvals`);
    // the inbox lists every pending approval; this intent's names it in its title
    const card = page.locator('article.approval[data-status="PENDING"]', { hasText: intent.id });
    await card.waitFor();
    const approvalId = (await card.getAttribute('data-approval'))!;
    expect(await card.locator('h2').textContent()).toContain('Budget exceeded');
    expect(await card.textContent()).toContain('axme.budget');
    const field = card.locator('input[name="maxUsd"]');
    expect(await card.locator('label:has(input[name="maxUsd"])').textContent()).toContain('New USD limit (now $0.015, spent $0.03)');
    expect(await card.locator('button[data-outcome="stop"]').getAttribute('class')).toContain('danger');
    await field.fill('1');
    await shot(page, 'inbox-budget-raise');
    await card.locator('button[data-outcome="raise"]').click();
    await page.locator(`article[data-approval="${approvalId}"] .result[data-outcome="raise"]`).waitFor();

    const done = await e2e.client.result(intent.id, { signal: AbortSignal.timeout(20_000) });
    expect(done.status).toBe('COMPLETED');
    expect(calls).toEqual([0, 1, 2, 3]);
    await page.goto(`${e2e.server.origin}/ui/intents/${intent.id}`);
    await page.locator('[data-field="budget"] [data-budget="INTENT"][data-exceeded="false"]').waitFor();
    expect(await page.locator('[data-field="budget"]').textContent()).toContain('$0.0400 of $1.00');
  } finally {
    await worker.stop();
  }
});
