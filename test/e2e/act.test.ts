// Acting from the dashboard in Chromium: submitting an intent, deciding an intent's
// approvals on its own page (a form, a rejection with a required comment), counts
// that follow live, and a viewer key that is offered none of it.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AxmeClient } from '../../packages/client/src/client.ts';
import * as ops from '../../packages/client/src/generated/graphql.ts';
import { ApiKeys } from '../../src/auth/keys.ts';
import { systemClock } from '../../src/core/clock.ts';
import { adminKey, markPage, shot, startAgent, stillSamePage, useE2e } from './harness.ts';

const e2e = useE2e('axme-e2e-act');

async function open(path: string, k = e2e.key): Promise<Page> {
  const context = await e2e.context({ key: k });
  const page = await context.newPage();
  await page.goto(e2e.server.origin + path);
  return page;
}

const live = (page: Page) => page.locator('[data-connection="connected"]').waitFor();
const count = (page: Page, status: string, n: number) => page.locator(`[data-count="${status}"] .count-n`).filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
const pageStatus = (page: Page, status: string) => page.locator(`[data-field="status"] [data-status="${status}"]`).waitFor();

/** Claims `type` and asks for an approval as an agent would; returns the intent's id. */
async function askApproval(type: string, approval: ops.ApprovalRequestInput): Promise<string> {
  const agent = new AxmeClient({ url: e2e.server.graphql, apiKey: await adminKey(e2e.db.db, `agent-${randomBytes(3).toString('hex')}`) });
  const { id } = await e2e.client.submit({ type, input: { order: 'B-7' } });
  const lease = (await agent.request(ops.ClaimIntentDocument, { input: { types: [type], agent: 'asking-agent' } })).claimIntent!;
  await agent.request(ops.RequestApprovalDocument, { input: { id, leaseToken: lease.token, approval } });
  return id;
}

describe('acting from the dashboard', () => {
  it('submits an intent from the form, opens it, and the list and its counts follow live', async () => {
    await e2e.client.submit({ type: 'e2e.act.report', input: { customer: 42, period: '2026-10' }, labels: ['seed'] });
    const list = await open('/ui');
    await live(list);
    await markPage(list);
    await count(list, 'PENDING', 1);
    await list.locator('.pager [data-total="1"]').waitFor();

    const page = await open('/ui');
    await page.getByRole('link', { name: 'New intent' }).click();
    expect(page.url()).toBe(`${e2e.server.origin}/ui/submit`);
    const form = page.locator('form.submit');
    // the types in use are suggested, and a known type's newest input is the template
    await form.locator('input[name="type"]').fill('e2e.act.report');
    await expect.poll(() => form.locator('textarea[name="input"]').inputValue()).toContain('"customer": 42');
    // JSON is checked before anything is sent
    await form.locator('textarea[name="input"]').fill('{"customer": 43,');
    await form.locator('[data-invalid="input"]').waitFor();
    expect(await form.locator('button[type="submit"]').isDisabled()).toBe(true);
    await form.locator('textarea[name="input"]').fill('{"customer": 43, "period": "2026-11"}');
    await form.locator('input[name="labels"]').fill('finance, monthly');
    await form.locator('input[name="idempotencyKey"]').fill('report-43-2026-11');
    await shot(page, 'submit', true);
    await form.locator('button[type="submit"]').click();

    // the new intent's own page, with what was submitted
    await page.waitForURL(/\/ui\/intents\/[0-9a-f-]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    await pageStatus(page, 'PENDING');
    expect(JSON.parse((await page.locator('details[data-json="input"] pre').textContent())!)).toEqual({ customer: 43, period: '2026-11' });
    const stored = (await e2e.client.get(id))!;
    expect(stored).toMatchObject({ type: 'e2e.act.report', labels: ['finance', 'monthly'], idempotencyKey: 'report-43-2026-11' });

    // the other tab saw it arrive, with its counts and total, without a reload
    await list.locator(`tr[data-id="${id}"][data-status="PENDING"]`).waitFor();
    await count(list, 'PENDING', 2);
    await list.locator('.pager [data-total="2"]').waitFor();
    // claims and completions move the counts too
    const worker = new AxmeClient({ url: e2e.server.graphql, apiKey: await adminKey(e2e.db.db, 'e2e-act-worker') });
    const lease = (await worker.request(ops.ClaimIntentDocument, { input: { types: ['e2e.act.report'], agent: 'w' } })).claimIntent!;
    await count(list, 'RUNNING', 1);
    await count(list, 'PENDING', 1);
    await worker.request(ops.CompleteIntentDocument, { input: { id: lease.intent.id, leaseToken: lease.token, output: {} } });
    await count(list, 'COMPLETED', 1);
    await count(list, 'RUNNING', 0);

    // the same key again opens the same intent instead of a second one
    await page.goto(`${e2e.server.origin}/ui/submit?type=e2e.act.report`);
    await page.locator('textarea[name="input"]').fill('{"customer": 43, "period": "2026-11"}');
    await page.locator('input[name="idempotencyKey"]').fill('report-43-2026-11');
    await page.locator('form.submit button[type="submit"]').click();
    await page.waitForURL(`${e2e.server.origin}/ui/intents/${id}`);
    // a different input under it is refused with the server's reason
    await page.goto(`${e2e.server.origin}/ui/submit?type=e2e.act.report`);
    await page.locator('textarea[name="input"]').fill('{"customer": 44}');
    await page.locator('input[name="idempotencyKey"]').fill('report-43-2026-11');
    await page.locator('form.submit button[type="submit"]').click();
    expect(await page.locator('form.submit .error').textContent()).toContain('(CONFLICT)');
    expect(await stillSamePage(list)).toBe(true);
    await count(list, 'PENDING', 1);
  });

  it('keeps the counts moving while events stream in without a pause', async () => {
    const page = await open('/ui');
    await live(page);
    const type = 'e2e.act.stream';
    const pending = () => page.locator('[data-count="PENDING"] .count-n').textContent();
    const before = await pending();
    // a submit every 150 ms: a debounce that waits for a quiet moment would never refresh
    let streaming = true;
    let sent = 0;
    const stream = (async () => {
      while (streaming && sent < 60) {
        await e2e.client.submit({ type, input: { n: sent++ } });
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    try {
      await page.locator('[data-count="PENDING"] .count-n').filter({ hasNotText: new RegExp(`^${before}$`) }).waitFor();
      expect(sent).toBeLessThan(60);
    } finally {
      streaming = false;
      await stream;
    }
    // and once it stops, they settle on the exact numbers
    const { total } = (await e2e.client.request(COUNTS, { filter: null })).intentCounts;
    await page.locator(`.pager [data-total="${total}"]`).waitFor();
  });

  it('answers a form approval on the intent page, and the intent resumes and completes live', async () => {
    const type = 'e2e.act.refund';
    const agent = startAgent(e2e.server.graphql, await adminKey(e2e.db.db, 'refund-agent'), type);
    try {
      const intent = await e2e.client.submit({ type, input: { order: 'A-2002', amount: 800 } });
      const page = await open(`/ui/intents/${intent.id}`);
      await pageStatus(page, 'WAITING');
      await markPage(page);
      const card = page.locator('[data-approvals="pending"] article[data-status="PENDING"]');
      await card.waitFor();
      expect(await card.textContent()).toContain('Refund order A-2002?');
      // the form is checked by the server against the schema: a missing required field is refused with its reason
      await card.locator('button[data-outcome="approve"]').click();
      expect(await card.locator('.error').textContent()).toContain('(BAD_USER_INPUT)');
      await card.locator('input[name="amount"]').fill('800');
      await card.locator('select[name="tier"]').selectOption({ label: 'standard' });
      await card.locator('textarea[name="comment"]').fill('Fine.');
      await shot(page, 'intent-approval', true);
      await card.locator('button[data-outcome="approve"]').click();

      // decided: the card moves to the decided approvals, the agent resumes and completes
      await page.locator('[data-approvals="decided"] .result[data-outcome="approve"]').waitFor();
      await pageStatus(page, 'COMPLETED');
      await page.locator('.timeline li[data-kind="APPROVAL_RESOLVED"]').waitFor();
      expect(await page.locator('[data-approvals="pending"]').count()).toBe(0);
      const output = await page.locator('details[data-json="output"] pre').textContent();
      expect(JSON.parse(output!)).toEqual({ decision: 'approve', comment: 'Fine.', data: { amount: 800, tier: 'standard', urgent: false } });
      expect(await stillSamePage(page)).toBe(true);
    } finally {
      await agent.stop();
    }
    expect(agent.errors).toEqual([]);
  });

  it('rejects with the comment the approval requires, and says so when someone decided first', async () => {
    const id = await askApproval('e2e.act.reject', { title: 'Delete the archive?', options: ['approve', 'reject'], requireComment: true });
    const page = await open(`/ui/intents/${id}`);
    const card = page.locator('[data-approvals="pending"] article[data-status="PENDING"]');
    await card.waitFor();
    await card.locator('button[data-outcome="reject"]').click();
    await card.getByText('A comment is required.').waitFor();
    await card.locator('textarea[name="comment"]').fill('Legal hold on it.');
    await card.locator('button[data-outcome="reject"]').click();
    await page.locator('[data-approvals="decided"] .result[data-outcome="reject"]').getByText('Legal hold on it.').waitFor();
    // the rejection wakes the intent: it is claimable again, and its agent reads the decision
    await pageStatus(page, 'PENDING');
    expect(await approvalsOf(id)).toMatchObject({ outcome: 'reject', comment: 'Legal hold on it.', resolvedBy: 'e2e-admin' });

    // a tab that still shows the form (its live updates held back) learns who decided first
    const other = await askApproval('e2e.act.race', { title: 'Ship it?', options: ['approve', 'reject'] });
    const context = await e2e.context();
    const stale = await context.newPage();
    let hold = false;
    const held: (() => void)[] = [];
    await stale.routeWebSocket(/\/graphql$/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => upstream.send(m));
      upstream.onMessage((m) => (hold ? held.push(() => ws.send(m)) : ws.send(m)));
    });
    await stale.goto(`${e2e.server.origin}/ui/intents/${other}`);
    const staleCard = stale.locator('[data-approvals="pending"] article[data-status="PENDING"]');
    await staleCard.waitFor();
    await live(stale);
    hold = true;
    await e2e.client.request(ops.ResolveApprovalDocument, { input: { approvalId: (await approvalsOf(other)).id, outcome: 'approve', comment: 'first' } });
    await staleCard.locator('button[data-outcome="reject"]').click();
    expect(await staleCard.locator('.error').textContent()).toContain('Someone decided first: “approve” by e2e-admin.');
    // once the held events arrive, the card shows the decision that won
    hold = false;
    held.splice(0).forEach((send) => send());
    await stale.locator('[data-approvals="decided"] .result[data-outcome="approve"]').waitFor();
    expect(await stale.locator('[data-approvals="pending"]').count()).toBe(0);
  });

  it('offers a viewer key no way to act, and explains why', async () => {
    const viewer = (await new ApiKeys(e2e.db.db, systemClock).create({ namespace: 'default', name: 'e2e-viewer', role: 'viewer' })).secret;
    const id = await askApproval('e2e.act.viewer', { title: 'Publish?', options: ['approve', 'reject'] });
    const list = await open('/ui', viewer);
    await list.locator(`tr[data-id="${id}"]`).waitFor();
    await list.locator('[data-count="WAITING"]').waitFor();
    expect(await list.getByRole('link', { name: 'New intent' }).count()).toBe(0);

    const page = await open(`/ui/intents/${id}`, viewer);
    const card = page.locator('[data-approvals="pending"] article[data-status="PENDING"]');
    await card.locator('[data-readonly]').waitFor();
    expect(await card.locator('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // typed in by hand, the submit page says why it cannot submit
    await page.goto(`${e2e.server.origin}/ui/submit`);
    await page.getByText('This API key cannot submit intents').waitFor();
    expect(await page.locator('form.submit button[type="submit"]').isDisabled()).toBe(true);
  });
});

const COUNTS = new ops.TypedDocumentString<{ intentCounts: { total: number } }, { filter: null }>(`query($filter: IntentFilter) { intentCounts(filter: $filter) { total } }`);

/** The intent's newest approval, as the API has it. */
async function approvalsOf(id: string) {
  const q = new ops.TypedDocumentString<{ intent: { approvals: { id: string; outcome: string | null; comment: string | null; resolvedBy: string | null }[] } }, { id: string }>(
    `query($id: ID!) { intent(id: $id) { approvals(first: 1) { id outcome comment resolvedBy } } }`,
  );
  return (await e2e.client.request(q, { id })).intent.approvals[0]!;
}
