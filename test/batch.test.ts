import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/core/clock.ts';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ env: { AXME_CLAIM_POLL_MS: '60000' } });
});
afterAll(() => t.close());

const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id } }`;
const CLAIM_MANY = `mutation($input: ClaimIntentsInput!) { claimIntents(input: $input) { token expiresAt intent { id status attempt priority lease { agent } } } }`;
const COMPLETE_MANY = `mutation($input: CompleteIntentsInput!) {
  completeIntents(input: $input) { id intent { id status output lastSeq } error { code message } } }`;
const CLAIM = `mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token intent { id } } }`;

interface Lease { token: string; intent: { id: string; status: string; attempt: number; priority: number } }

let n = 0;
const uniqueType = () => `batch.t${++n}`;
const submit = async (input: Record<string, unknown>): Promise<string> => ok(await t.gql(SUBMIT, { input })).submitIntent.id;
const claimMany = async (input: Record<string, unknown>): Promise<Lease[]> => ok(await t.gql(CLAIM_MANY, { input })).claimIntents;
const completeMany = async (items: unknown[]) => ok(await t.gql(COMPLETE_MANY, { input: { items } })).completeIntents;

describe('claimIntents', () => {
  it('leases up to limit intents in claim order, each with its own token, and leaves the rest', async () => {
    const type = uniqueType();
    const low = await submit({ type, priority: 1 });
    const high = await submit({ type, priority: 9 });
    const mid = await submit({ type, priority: 5 });
    const last = await submit({ type, priority: 0 });
    const leases = await claimMany({ types: [type], limit: 3, agent: 'batcher' });
    expect(leases.map((l) => l.intent.id)).toEqual([high, mid, low]);
    expect(new Set(leases.map((l) => l.token)).size).toBe(3);
    for (const l of leases) expect(l.intent).toMatchObject({ status: 'RUNNING', attempt: 1, lease: { agent: 'batcher' } });
    const rest = await claimMany({ types: [type], limit: 3 });
    expect(rest.map((l) => l.intent.id)).toEqual([last]);
    expect(await claimMany({ types: [type], limit: 3 })).toEqual([]);
  });

  it('writes one CLAIMED event per intent', async () => {
    const type = uniqueType();
    const ids = [await submit({ type }), await submit({ type })];
    await claimMany({ types: [type], limit: 10, agent: 'a1' });
    for (const id of ids) {
      const events = ok(await t.gql(`query($id: ID!) { intentEvents(intentId: $id) { seq kind actor } }`, { id })).intentEvents;
      expect(events).toEqual([{ seq: 1, kind: 'SUBMITTED', actor: null }, { seq: 2, kind: 'CLAIMED', actor: 'a1' }]);
    }
  });

  it('never gives one intent to two concurrent batch claimers', async () => {
    const type = uniqueType();
    const ids = await Promise.all(Array.from({ length: 60 }, () => submit({ type })));
    const batches = await Promise.all(Array.from({ length: 6 }, () => claimMany({ types: [type], limit: 15 })));
    const claimed = batches.flat().map((l) => l.intent.id);
    expect(claimed.length).toBe(60);
    expect(new Set(claimed)).toEqual(new Set(ids));
  });

  it('fills a concurrency key only up to its limit within one batch', async () => {
    const type = uniqueType();
    for (let i = 0; i < 5; i++) await submit({ type, concurrencyKey: 'tenant-1', concurrencyLimit: 2 });
    const free = await submit({ type });
    const leases = await claimMany({ types: [type], limit: 10 });
    expect(leases.length).toBe(3);
    expect(leases.map((l) => l.intent.id)).toContain(free);
    // the key is full until one of its two finishes
    expect(await claimMany({ types: [type], limit: 10 })).toEqual([]);
  });

  it('refuses a limit outside 1–1000 with BAD_USER_INPUT', async () => {
    for (const limit of [0, 1001]) {
      expect(code(await t.gql(CLAIM_MANY, { input: { types: ['x'], limit } }))).toBe('BAD_USER_INPUT');
    }
  });

  it('with waitSeconds, answers as soon as work arrives', async () => {
    const type = uniqueType();
    const waiting = claimMany({ types: [type], limit: 5, waitSeconds: 30 });
    await new Promise((r) => setTimeout(r, 50));
    const id = await submit({ type });
    expect((await waiting).map((l) => l.intent.id)).toEqual([id]);
  });
});

describe('completeIntents', () => {
  it('completes every item in one request, with its own output and a COMPLETED event', async () => {
    const type = uniqueType();
    await submit({ type });
    await submit({ type });
    const leases = await claimMany({ types: [type], limit: 2 });
    const results = await completeMany(leases.map((l, i) => ({ id: l.intent.id, leaseToken: l.token, output: { i } })));
    expect(results).toEqual(leases.map((l, i) => ({
      id: l.intent.id, intent: { id: l.intent.id, status: 'COMPLETED', output: { i }, lastSeq: 3 }, error: null,
    })));
  });

  it('refuses a stale, unknown or malformed item on its own and completes the others', async () => {
    const type = uniqueType();
    await submit({ type });
    await submit({ type });
    const [a, b] = await claimMany({ types: [type], limit: 2 });
    const unknown = '01900000-0000-7000-8000-000000000000';
    const results = await completeMany([
      { id: a!.intent.id, leaseToken: b!.token }, // someone else's token
      { id: b!.intent.id, leaseToken: b!.token, output: null },
      { id: unknown, leaseToken: b!.token },
      { id: 'not-a-uuid', leaseToken: b!.token },
    ]);
    expect(results.map((r: { error: { code: string } | null }) => r.error?.code ?? null)).toEqual([
      'LEASE_LOST', null, 'NOT_FOUND', 'BAD_USER_INPUT',
    ]);
    expect(results[1].intent).toMatchObject({ status: 'COMPLETED', output: null });
    // a was refused, so its lease still holds
    const again = await completeMany([{ id: a!.intent.id, leaseToken: a!.token, output: 'late but fine' }]);
    expect(again[0].intent).toMatchObject({ status: 'COMPLETED', output: 'late but fine' });
  });

  it('completes a repeated item once and refuses the repeat', async () => {
    const type = uniqueType();
    await submit({ type });
    const [l] = await claimMany({ types: [type], limit: 1 });
    const item = { id: l!.intent.id, leaseToken: l!.token };
    const results = await completeMany([item, item]);
    expect(results[0].intent.status).toBe('COMPLETED');
    expect(results[1].error.code).toBe('CONFLICT'); // a finished intent
  });

  it('completes a child intent too, waking a parent that waits for its children', async () => {
    const type = uniqueType();
    const parent = await submit({ type: `${type}.parent` });
    const p = ok(await t.gql(CLAIM, { input: { types: [`${type}.parent`] } })).claimIntent;
    const child = await submit({ type, parentId: parent });
    ok(await t.gql(`mutation($input: WaitForChildrenInput!) { waitForChildren(input: $input) { id status } }`,
      { input: { id: parent, leaseToken: p.token } }));
    const [c] = await claimMany({ types: [type], limit: 1 });
    expect(c!.intent.id).toBe(child);
    const [r] = await completeMany([{ id: child, leaseToken: c!.token, output: 1 }]);
    expect(r.intent.status).toBe('COMPLETED');
    const woken = ok(await t.gql(`query($id: ID!) { intent(id: $id) { status } }`, { id: parent })).intent;
    expect(woken.status).toBe('PENDING');
  });

  it('refuses more than 1000 items with BAD_USER_INPUT and changes nothing', async () => {
    const items = Array.from({ length: 1001 }, () => ({ id: '01900000-0000-7000-8000-000000000000', leaseToken: '01900000-0000-7000-8000-000000000000' }));
    expect(code(await t.gql(COMPLETE_MANY, { input: { items } }))).toBe('BAD_USER_INPUT');
  });
});

describe('races a batch must settle right', () => {
  it('settles items naming one intent in the order sent, whatever the case of its id, and at most 10 of them', async () => {
    const type = uniqueType();
    const id = await submit({ type });
    const [lease] = await claimMany({ types: [type], limit: 1 });
    const bogus = '00000000-0000-7000-8000-000000000000';
    const results = await completeMany([
      { id: id.toUpperCase(), leaseToken: lease!.token, output: 'first' },
      ...Array.from({ length: 10 }, () => ({ id, leaseToken: bogus, output: 'again' })),
    ]);
    // the first completes it; the next nine find it COMPLETED; the eleventh item is one too many
    expect(results[0].intent).toMatchObject({ status: 'COMPLETED', output: 'first' });
    expect(results.slice(1, 10).map((r: { error: { code: string } }) => r.error.code)).toEqual(Array(9).fill('CONFLICT'));
    expect(results[10].error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('at most 10 times') });
  });

  it('of a stale and a current holder of one intent in one batch, tells the current holder it completed', async () => {
    const clock = t.clock as ManualClock;
    const type = uniqueType();
    const id = await submit({ type });
    const [stale] = await claimMany({ types: [type], limit: 1, leaseSeconds: 10 });
    clock.advance(11_000);
    await t.app.sweeper.sweep(); // the lease expired: back to PENDING, after the retry backoff
    clock.advance(3_600_000);
    const [current] = await claimMany({ types: [type], limit: 1, leaseSeconds: 10 });
    expect(current!.intent.id).toBe(id);
    const results = await completeMany([
      { id, leaseToken: stale!.token, output: 'from the stale holder' },
      { id, leaseToken: current!.token, output: 'from the current holder' },
    ]);
    // items of one intent settle in the order sent: the stale one first, while the current holder holds the lease
    expect(results[0].error.code).toBe('LEASE_LOST');
    expect(results[1].intent).toMatchObject({ status: 'COMPLETED', output: 'from the current holder' });
  });

  it('hands no lease to a long poll whose caller went away', async () => {
    const type = uniqueType();
    const gone = new AbortController();
    const waiting = t.app.services.intents.claimMany({ namespace: 'default', principal: null }, { types: [type], limit: 5, waitSeconds: 10 }, gone.signal);
    await new Promise((r) => setTimeout(r, 30));
    // work that appears without a wake-up, as when another instance's notice is lost
    const id = await submit({ type: `${type}.elsewhere` });
    await t.app.db.query(`update intents set type = $1 where id = $2`, [type, id]);
    gone.abort();
    expect(await waiting).toEqual([]);
    const after = ok(await t.gql(`query($id: ID!) { intent(id: $id) { status } }`, { id })).intent;
    expect(after.status).toBe('PENDING');
  });
});
