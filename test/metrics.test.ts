import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/clock.ts';
import { REAL_PG, freshDb } from './helpers/db.ts';
import { startInstance } from './helpers/live.ts';
import { type TestApp, ok, testApp } from './helpers/app.ts';

let t: TestApp;
const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
beforeAll(async () => {
  t = await testApp({ clock });
});
afterAll(() => t.close());

const scrape = async () => {
  const res = await t.app.yoga.fetch('http://axme.test/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

/** The sample of `name` whose labels are exactly `labels`; null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return null;
}

const submit = (type: string) => t.gql(`mutation($t: String!) { submitIntent(input: { type: $t }) { id } }`, { t: type });
const claim = async (type: string) =>
  ok(await t.gql(`mutation($t: String!) { claimIntent(input: { types: [$t], leaseSeconds: 5 }) { token intent { id } } }`, { t: type })).claimIntent;

it('/metrics reports unfinished intents by status and type, claims, lease expiries, retries and approvals waiting', async () => {
  for (let i = 0; i < 3; i++) ok(await submit('m.pending'));
  ok(await submit('m.run'));
  ok(await submit('m.run'));
  ok(await submit('m.wait'));
  await claim('m.run');
  const expiring = await claim('m.run');
  clock.advance(10_000);
  const swept = await t.app.sweeper.sweep();
  expect(swept.leases).toBe(2);
  // one RUNNING m.run again (after the retry backoff, at most 1 s by default); the other lease expired into PENDING
  clock.advance(1_000);
  await claim('m.run');
  const w = await claim('m.wait');
  ok(await t.gql(
    `mutation($id: ID!, $tok: ID!) { requestApproval(input: { id: $id, leaseToken: $tok, approval: { title: "ok?" } }) { id } }`,
    { id: w.intent.id, tok: w.token },
  ));
  const empty = ok(await t.gql(`mutation { claimIntent(input: { types: ["m.none"] }) { token } }`)).claimIntent;
  expect(empty).toBeNull();
  expect(expiring.intent.id).toBeTruthy();

  const text = await scrape();
  expect(sample(text, 'axme_intents', { status: 'PENDING', type: 'm.pending' })).toBe(3);
  expect(sample(text, 'axme_intents', { status: 'PENDING', type: 'm.run' })).toBe(1);
  expect(sample(text, 'axme_intents', { status: 'RUNNING', type: 'm.run' })).toBe(1);
  expect(sample(text, 'axme_intents', { status: 'WAITING', type: 'm.wait' })).toBe(1);
  expect(sample(text, 'axme_approvals_waiting')).toBe(1);
  expect(sample(text, 'axme_claims_total')).toBe(4);
  expect(sample(text, 'axme_lease_expiries_total')).toBe(2);
  expect(sample(text, 'axme_retries_total', { reason: 'lease_expired' })).toBe(2);
  expect(sample(text, 'axme_intent_events_total', { kind: 'SUBMITTED' })).toBe(6);
  expect(sample(text, 'axme_claim_wait_seconds_count', { result: 'claimed' })).toBe(4);
  expect(sample(text, 'axme_claim_wait_seconds_count', { result: 'empty' })).toBe(1);
  expect(sample(text, 'axme_subscriptions_open')).toBe(0);
  expect(sample(text, 'process_cpu_user_seconds_total')).not.toBeNull();
  // a pool only exists on PostgreSQL
  expect(sample(text, 'axme_db_pool_waiting') !== null).toBe(REAL_PG !== null);
});

it('/metrics counts the LLM tokens and cost steps report, by model, once per step', async () => {
  const before = await scrape();
  const at = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;
  ok(await submit('m.llm'));
  const lease = await claim('m.llm');
  const step = `mutation($id: ID!, $t: ID!) { recordStep(input: { id: $id, leaseToken: $t, name: "draft", durationMs: 1,
    usage: [{ model: "m-metrics", inputTokens: 100, outputTokens: 20, cachedTokens: 40, costUsd: 0.5 }, { model: "m-metrics", inputTokens: 1, outputTokens: 1 }] }) { seq } }`;
  ok(await t.gql(step, { id: lease.intent.id, t: lease.token }));
  ok(await t.gql(step, { id: lease.intent.id, t: lease.token })); // answered from the record: spent nothing more
  const after = await scrape();
  const delta = (name: string, labels: Record<string, string>) => at(after, name, labels) - at(before, name, labels);
  expect(delta('axme_llm_tokens_total', { kind: 'input', model: 'm-metrics' })).toBe(101);
  expect(delta('axme_llm_tokens_total', { kind: 'output', model: 'm-metrics' })).toBe(21);
  expect(delta('axme_llm_tokens_total', { kind: 'cached', model: 'm-metrics' })).toBe(40);
  expect(delta('axme_llm_cost_usd_total', { model: 'm-metrics' })).toBe(0.5);
  expect(delta('axme_llm_calls_total', { model: 'm-metrics', priced: 'false' })).toBe(1);
});

it('/metrics can be turned off', async () => {
  const off = await testApp({ env: { AXME_METRICS: 'off' } });
  try {
    expect((await off.app.yoga.fetch('http://axme.test/metrics')).status).toBe(404);
  } finally {
    await off.close();
  }
});

describe('access to /metrics while auth is on', () => {
  const TOKEN = 'operator-token-0123456789';
  const scrapeWith = async (url: string, authorization?: string) =>
    (await fetch(new URL('/metrics', url), { headers: authorization ? { authorization } : {} })).status;

  it('needs the operator token: no namespace key reads series that span every namespace, not even an admin\'s', async () => {
    const tdb = await freshDb();
    const s = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_METRICS_TOKEN: TOKEN });
    try {
      const admin = await s.app.keys.create({ namespace: 'team-b', name: 'b-admin', role: 'admin' });
      expect(await scrapeWith(s.url)).toBe(401);
      expect(await scrapeWith(s.url, `Bearer ${admin.secret}`)).toBe(401);
      expect(await scrapeWith(s.url, `Bearer ${TOKEN}x`)).toBe(401);
      const res = await fetch(new URL('/metrics', s.url), { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('axme_claims_total');
    } finally {
      await s.running.shutdown();
      await tdb.close();
    }
  });

  it('is closed without a token (an admin key is not enough), and open with AXME_METRICS_PUBLIC', async () => {
    const tdb = await freshDb();
    const closed = await startInstance(tdb.db, { AXME_AUTH: 'on' });
    try {
      const admin = await closed.app.keys.create({ namespace: 'ops', name: 'prometheus', role: 'admin' });
      expect(await scrapeWith(closed.url, `Bearer ${admin.secret}`)).toBe(401);
    } finally {
      await closed.running.shutdown();
    }
    const open = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_METRICS_PUBLIC: 'true' });
    try {
      expect(await scrapeWith(open.url)).toBe(200);
    } finally {
      await open.running.shutdown();
      await tdb.close();
    }
  });
});
