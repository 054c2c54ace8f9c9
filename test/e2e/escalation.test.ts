// A failure escalation in the dashboard, in Chromium: a run exhausts its attempts on a bad
// prompt and waits for a human; the intent page shows the attempts, the last error and a link
// to the step timeline with the three choices; the user forks from the failing step with a
// patched input and follows the link to the fork, which completes. The inbox lists it too.
import { expect, it } from 'vitest';
import { shot, summarizer, useE2e } from './harness.ts';

const e2e = useE2e();

it('an escalated run: last error and attempts on the intent page, forked with an edited input from its failing step', async () => {
  const type = 'e2e.escalation';
  const { worker, calls } = summarizer(e2e.client, type);
  try {
    const original = await e2e.client.submit({
      type, input: { prompt: 'bad' }, maxAttempts: 2, retry: { onExhausted: 'ESCALATE', initialIntervalSeconds: 0, maxIntervalSeconds: 0 },
    });
    const context = await e2e.context();
    const page = await context.newPage();
    // the inbox shows the escalation with its last error once the attempts are spent
    await page.goto(`${e2e.server.origin}/ui/approvals`);
    const card = page.locator(`[data-escalation]`).first();
    await card.waitFor({ timeout: 30_000 });
    const lastError = await card.locator('[data-last-error]').textContent();
    expect(lastError).toContain('Attempt 2 of 2 failed');
    expect(lastError).toContain('the model refused the prompt');

    await page.goto(`${e2e.server.origin}/ui/intents/${original.id}`);
    const pending = page.locator('[data-approvals="pending"] [data-escalation]');
    await pending.waitFor();
    expect(await pending.locator('[data-last-error] a').getAttribute('href')).toBe(`/ui/intents/${original.id}#steps`);
    expect(await pending.locator('button[data-outcome]').allTextContents()).toEqual(['Retry as is', 'Fork with this input', 'Fail']);
    await pending.locator('select[name="fromStep"]').selectOption('summarize');
    await pending.locator('textarea[name="inputPatch"]').fill('{"prompt": "Summarize"}');
    await shot(page, 'escalation-decision');
    await pending.locator('button[data-outcome="fork"]').click();

    const link = page.locator('[data-forked-to] a');
    await link.waitFor();
    const forkId = await page.locator('[data-forked-to]').getAttribute('data-forked-to');
    await link.click();
    await page.waitForURL((url) => url.pathname.endsWith(forkId!));
    await page.locator('[data-field="status"] [data-status="COMPLETED"]').waitFor();
    expect((await e2e.client.get(forkId!))!.output).toBe('Summarize: a, b');
    expect(calls).toEqual({ research: 1, summarize: 3 });
    expect((await e2e.client.get(original.id))!.status).toBe('FAILED');
  } finally {
    await worker.stop();
  }
});
