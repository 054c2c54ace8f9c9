// The intent page's step timeline in Chromium: a worker runs two durable steps, the
// second throws on the first attempt; the page shows per attempt which steps ran
// (with duration and size), which failed, and which a later attempt replayed from
// their records, and it follows new steps live.
import { expect, it } from 'vitest';
import { Worker } from '../../packages/client/src/worker.ts';
import { shot, useE2e } from './harness.ts';

const e2e = useE2e();

it('shows the steps of each attempt: ran, failed, and replayed from an earlier attempt', async () => {
  const type = 'e2e.steps';
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const worker = new Worker(e2e.client, { types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    const plan = await run.step('plan', () => ({ items: ['a', 'b', 'c'] }));
    await run.step('call tool', () => {
      if (run.attempt === 1) throw Object.assign(new Error('tool timed out'), { code: 'TIMEOUT' });
      return 'x'.repeat(3000);
    });
    await gate; // holds attempt 2 open, so the page is seen following its next step live
    await run.step('draft', () => `${plan.items.length} items`);
    return { ok: true };
  });
  try {
    const intent = await e2e.client.submit({ type, input: {}, maxAttempts: 2, retry: { initialIntervalSeconds: 0, jitter: 0 } });
    const context = await e2e.context();
    const page = await context.newPage();
    await page.goto(`${e2e.server.origin}/ui/intents/${intent.id}`);

    const attempt2 = page.locator('.step-attempt[data-attempt="2"]');
    await attempt2.locator('[data-step="call tool"][data-state="ran"]').waitFor();
    const attempt1 = page.locator('.step-attempt[data-attempt="1"]');
    expect(await attempt1.locator('[data-step="plan"][data-state="ran"]').textContent()).toMatch(/\d+ ms · \d+ B/);
    expect(await attempt1.locator('[data-step="call tool"][data-state="failed"]').textContent()).toContain('[TIMEOUT] tool timed out');
    expect(await attempt2.locator('[data-step="plan"][data-state="replayed"]').textContent()).toContain('recorded in attempt 1');
    expect(await attempt2.locator('[data-step="call tool"][data-state="ran"]').textContent()).toContain('2.9 KiB');
    expect(await attempt2.locator('[data-step="draft"]').count()).toBe(0);

    release();
    await attempt2.locator('[data-step="draft"][data-state="ran"]').waitFor();
    await page.locator('[data-field="status"] [data-status="COMPLETED"]').waitFor();
    // the event log names each step too
    expect(await page.locator('.timeline li[data-kind="STEP_FAILED"] [data-step-name]').textContent()).toBe('call tool');
    await shot(page, 'intent-steps');
  } finally {
    release();
    await worker.stop();
  }
});

it('shows the LLM cost and tokens of the intent and of each step that reported usage', async () => {
  const type = 'e2e.usage';
  const worker = new Worker(e2e.client, { types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    await run.step('draft', () => ({ model: 'gpt-e2e', usage: { prompt_tokens: 1500, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 500 } } }), {
      usage: (r) => ({ model: r.model, inputTokens: r.usage.prompt_tokens, outputTokens: r.usage.completion_tokens, cachedTokens: 500, costUsd: 0.0123 }),
    });
    await run.step('plain', () => 'no model here');
    await run.step('local', () => 'a model without a price', { usage: () => ({ model: 'local-llama', inputTokens: 40, outputTokens: 2 }) });
    return { ok: true };
  });
  try {
    const intent = await e2e.client.submit({ type, input: {} });
    await e2e.client.result(intent.id, { signal: AbortSignal.timeout(20_000) });
    const context = await e2e.context();
    const page = await context.newPage();
    await page.goto(`${e2e.server.origin}/ui/intents/${intent.id}`);
    const usage = page.locator('[data-field="usage"]');
    await usage.waitFor();
    expect(await usage.textContent()).toBe('$0.0123 + 1 unpriced · 1540 in (500 cached) / 202 out tokens · 2 calls');
    const draft = page.locator('[data-step="draft"][data-state="ran"] [data-field="step-usage"]');
    expect(await draft.textContent()).toContain('$0.0123 · 1.5k in / 200 out tokens');
    expect(await page.locator('[data-step="plain"] [data-field="step-usage"]').count()).toBe(0);
    expect(await page.locator('[data-step="local"] [data-field="step-usage"]').textContent()).toContain('unpriced · 40 in / 2 out tokens');
    await shot(page, 'intent-usage');
  } finally {
    await worker.stop();
  }
});
