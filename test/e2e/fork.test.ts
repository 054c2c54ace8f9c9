// "Fork from here" on the intent page's step timeline, in Chromium: a run fails at its
// summarize step on a bad prompt; the user forks from that step, fixes the prompt in the
// dialog's input, and lands on the fork, which completes without running the step
// before it again and links back to the original.
import { expect, it } from 'vitest';
import { shot, summarizer, useE2e } from './harness.ts';

const e2e = useE2e();

it('forks a failed run from its failed step with an edited input, and opens the fork', async () => {
  const type = 'e2e.fork';
  const { worker, calls } = summarizer(e2e.client, type);
  try {
    const original = await e2e.client.submit({ type, input: { prompt: 'bad' }, maxAttempts: 1 });
    await e2e.client.result(original.id, { signal: AbortSignal.timeout(20_000) });
    const context = await e2e.context();
    const page = await context.newPage();
    await page.goto(`${e2e.server.origin}/ui/intents/${original.id}`);

    await page.locator('.step-attempt[data-attempt="1"] [data-step="summarize"][data-state="failed"] .fork-here').click();
    const dialog = page.locator('.fork-dialog');
    expect(JSON.parse(await dialog.locator('textarea[name="input"]').inputValue())).toEqual({ prompt: 'bad' });
    await dialog.locator('textarea[name="input"]').fill('{"prompt": "Summarize"}');
    await shot(page, 'fork-dialog');
    await dialog.locator('button[type="submit"]').click();

    await page.waitForURL((url) => url.pathname.startsWith('/ui/intents/') && !url.pathname.endsWith(original.id));
    const forkId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.locator('[data-field="status"] [data-status="COMPLETED"]').waitFor();
    expect(await page.locator('[data-field="forked-from"]').textContent()).toContain(`${original.id} at step “summarize”`);
    await page.locator('.step-attempt[data-attempt="0"] [data-step="research"]').waitFor();
    expect(await page.locator('.step-attempt[data-attempt="1"] [data-step="summarize"][data-state="ran"]').count()).toBe(1);
    expect((await e2e.client.get(forkId))!.output).toBe('Summarize: a, b');
    expect(calls).toEqual({ research: 1, summarize: 2 });

    // the fork's "forked from" link leads back to the original
    await page.locator('[data-field="forked-from"] a').click();
    await page.waitForURL((url) => url.pathname.endsWith(original.id));
    // and the original lists its fork
    expect(await page.locator(`[data-field="forks"] a[href$="${forkId}"]`).textContent()).toBe(forkId);
    await shot(page, 'fork-original');
  } finally {
    await worker.stop();
  }
});
