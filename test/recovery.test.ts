import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/core/clock.ts';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  // server retry defaults without jitter, so runAt values are exact
  t = await testApp({ env: { AXME_RETRY_JITTER: '0', AXME_RETRY_INITIAL_INTERVAL_SECONDS: '7' } });
  clock = t.clock as ManualClock;
});
afterAll(() => t.close());

const FIELDS = `id status attempt maxAttempts runAt deadline waitingFor error { message code retryable } lease { expiresAt }`;
const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { ${FIELDS} } }`;
const CLAIM = `mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token expiresAt intent { id attempt } } }`;
const FAIL = `mutation($input: FailIntentInput!) { failIntent(input: $input) { ${FIELDS} } }`;
const COMPLETE = `mutation($input: CompleteIntentInput!) { completeIntent(input: $input) { id status } }`;
const HEARTBEAT = `mutation($input: HeartbeatIntentInput!) { heartbeatIntent(input: $input) { expiresAt } }`;
const GET = `query($id: ID!) { intent(id: $id) { ${FIELDS} events { kind status data } attempts { number outcome error { message code } } } }`;

let n = 0;
const uniqueType = () => `rec.t${++n}`;
const submit = async (input: Record<string, unknown>) => ok(await t.gql(SUBMIT, { input })).submitIntent;
const claim = async (type: string, extra: Record<string, unknown> = {}) =>
  ok(await t.gql(CLAIM, { input: { types: [type], agent: 'a1', ...extra } })).claimIntent;
const get = async (id: string) => ok(await t.gql(GET, { id })).intent;
const fail = (id: string, leaseToken: string, error: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  t.gql(FAIL, { input: { id, leaseToken, error, ...extra } });
const at = (secondsFromNow: number) => new Date(clock.now().getTime() + secondsFromNow * 1000).toISOString();
const sweep = () => t.app.sweeper.sweep();

async function fingerprint(): Promise<string> {
  const { rows } = await t.app.db.query<{ f: string }>(`
    select coalesce((select md5(string_agg(i::text, ',' order by i.id)) from intents i), '') ||
           coalesce((select md5(string_agg(e::text, ',' order by e.id)) from intent_events e), '') ||
           coalesce((select md5(string_agg(p::text, ',' order by p.type)) from intent_type_pauses p), '') ||
           coalesce((select md5(string_agg(p::text, ',' order by p.type)) from intent_type_policies p), '') as f`);
  return rows[0]!.f;
}

describe('lease expiry', () => {
  it('makes an intent whose agent died claimable again after the lease and one sweep; the old agent gets LEASE_LOST', async () => {
    const type = uniqueType();
    const intent = await submit({ type });
    const dead = await claim(type, { leaseSeconds: 30 });
    clock.advance(29_000);
    await sweep();
    expect((await get(intent.id)).status).toBe('RUNNING');
    clock.advance(1_000);
    await sweep();
    const back = await get(intent.id);
    expect(back).toMatchObject({ status: 'PENDING', lease: null, error: { code: 'LEASE_EXPIRED', retryable: true } });
    expect(back.events.at(-1)).toMatchObject({ kind: 'LEASE_EXPIRED', status: 'PENDING', data: { attempt: 1, agent: 'a1', runAt: at(7) } });

    clock.advance(7_000); // the server's retry backoff, as after a failed attempt
    const again = await claim(type);
    expect(again.intent).toMatchObject({ id: intent.id, attempt: 2 });
    const late = await t.gql(COMPLETE, { input: { id: intent.id, leaseToken: dead.token, output: 'late' } });
    expect(code(late)).toBe('LEASE_LOST');
    expect((await get(intent.id)).status).toBe('RUNNING');
    expect((await get(intent.id)).attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['LEASE_EXPIRED', null]);
  });

  it('fails the intent when its attempts are spent', async () => {
    const type = uniqueType();
    const intent = await submit({ type, maxAttempts: 1 });
    await claim(type, { leaseSeconds: 5 });
    clock.advance(5_000);
    await sweep();
    const failed = await get(intent.id);
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'LEASE_EXPIRED' } });
    expect(failed.events.at(-1)).toMatchObject({ kind: 'LEASE_EXPIRED', status: 'FAILED' });
  });
});

describe('retry policy', () => {
  it('runs N attempts with the configured backoff, then FAILED with every error kept', async () => {
    const type = uniqueType();
    const intent = await submit({ type, maxAttempts: 4, retry: { initialIntervalSeconds: 10, backoffCoefficient: 3, maxIntervalSeconds: 60, jitter: 0 } });
    for (const [i, delay] of [10, 30, 60].entries()) {
      const lease = await claim(type);
      const r = ok(await fail(intent.id, lease.token, { message: `boom ${i + 1}`, code: 'E_LLM' })).failIntent;
      expect(r.status).toBe('PENDING');
      expect(r.runAt).toBe(at(delay));
      const events = (await get(intent.id)).events;
      expect(events.at(-1)).toMatchObject({ kind: 'RETRY_SCHEDULED', data: { runAt: at(delay), attempt: i + 1 } });
      clock.advance(delay * 1000 - 1);
      expect(ok(await t.gql(CLAIM, { input: { types: [type] } })).claimIntent).toBeNull();
      clock.advance(1);
    }
    const last = await claim(type);
    expect(ok(await fail(intent.id, last.token, { message: 'boom 4', code: 'E_LLM' })).failIntent.status).toBe('FAILED');
    const done = await get(intent.id);
    expect(done.attempts.map((a: { error: { message: string } }) => a.error.message)).toEqual(['boom 1', 'boom 2', 'boom 3', 'boom 4']);
  });

  it('honours retryAfterSeconds over the backoff, and retryable: false goes straight to FAILED', async () => {
    const type = uniqueType();
    const intent = await submit({ type, maxAttempts: 5 });
    const lease = await claim(type);
    const r = ok(await fail(intent.id, lease.token, { message: '429', code: 'RATE_LIMITED' }, { retryAfterSeconds: 120 })).failIntent;
    expect(r).toMatchObject({ status: 'PENDING', runAt: at(120) });
    clock.advance(120_000);
    const second = await claim(type);
    const f = ok(await fail(intent.id, second.token, { message: 'bad prompt', retryable: false }, { retryAfterSeconds: 5 })).failIntent;
    expect(f).toMatchObject({ status: 'FAILED', error: { retryable: false } });
  });

  it('uses the type’s defaults, then the server’s (AXME_RETRY_*)', async () => {
    const type = uniqueType();
    const set = ok(await t.gql(`mutation { setIntentTypePolicy(type: "${type}", maxAttempts: 2, retry: { initialIntervalSeconds: 5 }) { type maxAttempts retry { initialIntervalSeconds jitter } } }`));
    expect(set.setIntentTypePolicy).toEqual({ type, maxAttempts: 2, retry: { initialIntervalSeconds: 5, jitter: null } });
    const typed = await submit({ type });
    expect(typed.maxAttempts).toBe(2);
    const own = await submit({ type, maxAttempts: 9, priority: 1 });
    expect(own.maxAttempts).toBe(9);
    const lease = await claim(type);
    expect(lease.intent.id).toBe(own.id);
    expect(ok(await fail(own.id, lease.token, { message: 'x' })).failIntent.runAt).toBe(at(5));

    const plain = uniqueType();
    const p = await submit({ type: plain });
    const pl = await claim(plain);
    expect(ok(await fail(p.id, pl.token, { message: 'x' })).failIntent.runAt).toBe(at(7)); // AXME_RETRY_INITIAL_INTERVAL_SECONDS

    ok(await t.gql(`mutation { setIntentTypePolicy(type: "${type}") { type } }`));
    expect(ok(await t.gql(`{ intentTypePolicy(type: "${type}") { type } }`)).intentTypePolicy).toBeNull();
  });
});

describe('time limits', () => {
  it('a deadline fails a PENDING, a RUNNING and a WAITING intent; the agent is told CONFLICT', async () => {
    const type = uniqueType();
    const pending = await submit({ type, deadline: at(60), priority: 0 });
    const running = await submit({ type, deadline: at(60), priority: 2 });
    const waiting = await submit({ type, deadline: at(60), priority: 1 });
    const lease = await claim(type);
    expect(lease.intent.id).toBe(running.id);
    // another helper adds waits; until then a WAITING intent is made by hand
    await t.app.db.query(`update intents set status = 'WAITING', waiting_for = 'SIGNAL' where id = $1`, [waiting.id]);
    clock.advance(60_000);
    expect(ok(await t.gql(CLAIM, { input: { types: [type] } })).claimIntent).toBeNull(); // not claimable past its deadline
    await sweep();
    for (const [id, from] of [[pending.id, 'PENDING'], [running.id, 'RUNNING'], [waiting.id, 'WAITING']] as const) {
      const i = await get(id);
      expect(i).toMatchObject({ status: 'FAILED', waitingFor: null, lease: null, error: { code: 'DEADLINE_EXCEEDED', retryable: false } });
      expect(i.events.at(-1)).toMatchObject({ kind: 'FAILED', status: 'FAILED', data: { error: { details: { from } } } });
    }
    const hb = await t.gql(HEARTBEAT, { input: { id: running.id, leaseToken: lease.token } });
    expect(code(hb)).toBe('CONFLICT');
  });

  it('attemptTimeoutSeconds caps the lease and every heartbeat; then the attempt ends like an expired lease', async () => {
    const type = uniqueType();
    const intent = await submit({ type, attemptTimeoutSeconds: 60 });
    const lease = await claim(type, { leaseSeconds: 300 });
    const cap = at(60);
    expect(lease.expiresAt).toBe(cap);
    clock.advance(30_000);
    expect(ok(await t.gql(HEARTBEAT, { input: { id: intent.id, leaseToken: lease.token, leaseSeconds: 300 } })).heartbeatIntent.expiresAt).toBe(cap);
    clock.advance(30_000);
    expect(code(await t.gql(HEARTBEAT, { input: { id: intent.id, leaseToken: lease.token } }))).toBe('LEASE_LOST');
    await sweep();
    const back = await get(intent.id);
    expect(back).toMatchObject({ status: 'PENDING', error: { code: 'ATTEMPT_TIMEOUT' } });
    clock.advance(7_000);
    const next = await claim(type, { leaseSeconds: 10 });
    expect(next.expiresAt).toBe(at(10)); // a shorter lease than the timeout stays as asked
  });
});

describe('concurrency keys', () => {
  it('never runs more than the limit under 20 concurrent claimers, and unkeyed work is not held up behind a full key', async () => {
    const type = uniqueType();
    const keyed = await Promise.all(Array.from({ length: 12 }, () => submit({ type, concurrencyKey: 'provider:x', concurrencyLimit: 2, priority: 5 })));
    const plain = await Promise.all(Array.from({ length: 6 }, () => submit({ type })));
    const keyedIds = new Set(keyed.map((i) => i.id));
    const runningKeyed = async () =>
      (await t.app.db.query<{ n: number }>(`select count(*)::int as n from intents where concurrency_key = 'provider:x' and status = 'RUNNING'`)).rows[0]!.n;
    const claimed = new Set<string>();
    let maxSeen = 0;
    for (let round = 0; round < 40 && claimed.size < 18; round++) {
      const leases = await Promise.all(Array.from({ length: 20 }, () => t.gql(CLAIM, { input: { types: [type] } })));
      const got = leases.map((r) => ok(r).claimIntent).filter(Boolean);
      maxSeen = Math.max(maxSeen, await runningKeyed());
      expect(await runningKeyed()).toBeLessThanOrEqual(2);
      for (const l of got) {
        claimed.add(l.intent.id);
        if (keyedIds.has(l.intent.id)) ok(await t.gql(COMPLETE, { input: { id: l.intent.id, leaseToken: l.token } }));
      }
      if (round === 0) expect(plain.every((p) => claimed.has(p.id))).toBe(true);
    }
    expect(claimed.size).toBe(18);
    expect(maxSeen).toBeGreaterThanOrEqual(1);
  });

  it('refuses a limit of 0, a limit without a key, and an absurd limit', async () => {
    for (const input of [
      { type: 'x', concurrencyKey: 'k', concurrencyLimit: 0 },
      { type: 'x', concurrencyLimit: 2 },
      { type: 'x', concurrencyKey: 'k', concurrencyLimit: 1e7 },
    ]) expect(code(await t.gql(SUBMIT, { input }))).toBe('BAD_USER_INPUT');
  });
});

describe('operator controls', () => {
  it('pause keeps intents PENDING and skipped by claims; resume lets them run', async () => {
    const type = uniqueType();
    const intent = await submit({ type });
    const p = ok(await t.gql(`mutation { pauseIntentType(type: "${type}", reason: "deploy") { type reason pausedAt } }`)).pauseIntentType;
    expect(p).toMatchObject({ type, reason: 'deploy' });
    const ahead = uniqueType(); // no intent of this type exists yet: pausing ahead of a deploy is allowed
    ok(await t.gql(`mutation { pauseIntentType(type: "${ahead}") { type } }`));
    const listed = ok(await t.gql(`{ pausedIntentTypes { type } }`)).pausedIntentTypes.map((x: { type: string }) => x.type);
    expect(listed).toEqual(expect.arrayContaining([type, ahead]));
    expect(ok(await t.gql(CLAIM, { input: { types: [type] } })).claimIntent).toBeNull();
    expect((await get(intent.id)).status).toBe('PENDING');

    expect(ok(await t.gql(`mutation { resumeIntentType(type: "${type}") }`)).resumeIntentType).toBe(true);
    expect(ok(await t.gql(`mutation { resumeIntentType(type: "${type}") }`)).resumeIntentType).toBe(false);
    expect((await claim(type)).intent.id).toBe(intent.id);
    ok(await t.gql(`mutation { resumeIntentType(type: "${ahead}") }`));
  });

  it('cancelling a RUNNING intent makes the agent’s next heartbeat and complete fail with CONFLICT', async () => {
    const type = uniqueType();
    const intent = await submit({ type });
    const lease = await claim(type);
    ok(await t.gql(`mutation($id: ID!) { cancelIntent(input: { id: $id, reason: "stop" }) { id } }`, { id: intent.id }));
    expect(code(await t.gql(HEARTBEAT, { input: { id: intent.id, leaseToken: lease.token } }))).toBe('CONFLICT');
    expect(code(await t.gql(COMPLETE, { input: { id: intent.id, leaseToken: lease.token } }))).toBe('CONFLICT');
  });

  it('redrive and bulk cancel change only what matches, count it, and write one event per intent', async () => {
    const type = uniqueType();
    const failed = [];
    for (let i = 0; i < 3; i++) {
      const intent = await submit({ type, maxAttempts: 1, labels: ['batch:7'] });
      const lease = await claim(type);
      ok(await fail(intent.id, lease.token, { message: 'x', code: 'E_TOOL' }));
      failed.push(intent.id);
    }
    const other = await submit({ type, labels: ['batch:8'] });
    const redrive = `mutation($f: BulkIntentFilter!) { redriveIntents(filter: $f) { count } }`;
    expect(ok(await t.gql(redrive, { f: { label: ['batch:7'], errorCode: 'E_TOOL' } })).redriveIntents.count).toBe(3);
    expect(ok(await t.gql(redrive, { f: { label: ['batch:7'] } })).redriveIntents.count).toBe(0);
    for (const id of failed) {
      const i = await get(id);
      expect(i.status).toBe('PENDING');
      expect(i.events.filter((e: { kind: string }) => e.kind === 'RETRIED')).toHaveLength(1);
    }
    const cancel = `mutation($f: BulkIntentFilter!) { cancelIntents(filter: $f, reason: "bad batch") { count } }`;
    expect(ok(await t.gql(cancel, { f: { type: [type], label: ['batch:7'] } })).cancelIntents.count).toBe(3);
    expect((await get(failed[0]!)).events.at(-1)).toMatchObject({ kind: 'CANCELLED', data: { reason: 'bad batch' } });
    expect((await get(other.id)).status).toBe('PENDING');
    expect(ok(await t.gql(redrive, { f: { type: [type], status: ['CANCELLED'] } })).redriveIntents.count).toBe(3);
  });
});

describe('bad input gets BAD_USER_INPUT and changes nothing', () => {
  const zero = '01900000-0000-7000-8000-000000000000';
  const cases: [string, string, () => Record<string, unknown>][] = [
    ['negative initial interval', SUBMIT, () => ({ input: { type: 'x', retry: { initialIntervalSeconds: -1 } } })],
    ['absurd max interval', SUBMIT, () => ({ input: { type: 'x', retry: { maxIntervalSeconds: 1e12 } } })],
    ['backoff coefficient below 1', SUBMIT, () => ({ input: { type: 'x', retry: { backoffCoefficient: 0.5 } } })],
    ['jitter above 1', SUBMIT, () => ({ input: { type: 'x', retry: { jitter: 3 } } })],
    ['initial interval above max interval', SUBMIT, () => ({ input: { type: 'x', retry: { initialIntervalSeconds: 60, maxIntervalSeconds: 10 } } })],
    ['maxAttempts of a million', SUBMIT, () => ({ input: { type: 'x', maxAttempts: 1_000_000 } })],
    ['deadline in the past', SUBMIT, () => ({ input: { type: 'x', deadline: at(-1) } })],
    ['deadline before runAt', SUBMIT, () => ({ input: { type: 'x', deadline: at(60), runAt: at(120) } })],
    ['attemptTimeoutSeconds of 0', SUBMIT, () => ({ input: { type: 'x', attemptTimeoutSeconds: 0 } })],
    ['concurrency limit of 0', SUBMIT, () => ({ input: { type: 'x', concurrencyKey: 'k', concurrencyLimit: 0 } })],
    ['negative retryAfterSeconds', FAIL, () => ({ input: { id: zero, leaseToken: zero, error: { message: 'x' }, retryAfterSeconds: -1 } })],
    ['pausing a malformed type', `mutation { pauseIntentType(type: "a b") { type } }`, () => ({})],
    ['type policy maxAttempts 0', `mutation { setIntentTypePolicy(type: "x", maxAttempts: 0) { type } }`, () => ({})],
    ['type policy negative interval', `mutation { setIntentTypePolicy(type: "x", retry: { initialIntervalSeconds: -5 }) { type } }`, () => ({})],
    ['bulk filter naming nothing', `mutation { cancelIntents(filter: {}) { count } }`, () => ({})],
    ['bulk cancel of finished statuses', `mutation { cancelIntents(filter: { type: ["x"], status: [COMPLETED] }) { count } }`, () => ({})],
    ['redrive of RUNNING intents', `mutation { redriveIntents(filter: { type: ["x"], status: [RUNNING] }) { count } }`, () => ({})],
  ];
  for (const [name, query, variables] of cases) {
    it(name, async () => {
      const before = await fingerprint();
      expect(code(await t.gql(query, variables()))).toBe('BAD_USER_INPUT');
      expect(await fingerprint()).toBe(before);
    });
  }
});
