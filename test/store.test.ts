import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/clock.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Db } from '../src/db/types.ts';
import { uuidv7 } from '../src/core/ids.ts';
import * as store from '../src/store/intents.ts';
import { listEvents } from '../src/store/events.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
let db: Db;
const clock = new ManualClock();
const NS = 'default';

beforeAll(async () => {
  t = await freshDb();
  db = t.db;
  await migrate(db);
});
afterAll(() => t.close());

let typeSeq = 0;
const freshType = () => `t${++typeSeq}.store`;

/** As the service completes: the one statement, else under the locks, which finishes a child or says why not. */
const complete = async (id: string, token: string, output: unknown, actor: string | null) =>
  (await store.completeIntent(db, NS, id, token, output, actor, clock.now())) ??
  db.transaction((tx) => store.completeLocked(tx, NS, id, token, output, actor, clock.now()));

const newIntent = (type: string, extra: Partial<store.NewIntent> = {}): store.NewIntent => ({
  id: uuidv7(),
  type,
  input: { n: 1 },
  idempotencyKey: null,
  priority: 0,
  runAt: clock.now(),
  maxAttempts: 3,
  parentId: null,
  labels: [],
  ...extra,
});

const claim = async (type: string, agent = 'agent-1', leaseSeconds = 60) =>
  (await store.claimIntents(db, NS, { types: [type], agents: [agent], leaseSeconds }, clock.now()))[0]?.change ?? null;

describe('submit', () => {
  it('stores the intent and its SUBMITTED event (seq 1) together', async () => {
    const { intent, change } = await store.submitIntent(db, NS, newIntent(freshType()), 'app', clock.now());
    expect(intent.status).toBe('PENDING');
    expect(change!.event).toMatchObject({ seq: 1, kind: 'SUBMITTED', status: 'PENDING', actor: 'app', intentId: intent.id });
    expect(await listEvents(db, NS, intent.id, 0, 100)).toHaveLength(1);
  });

  it('returns the same intent for the same idempotency key and input, without a second event', async () => {
    const type = freshType();
    const a = await store.submitIntent(db, NS, newIntent(type, { idempotencyKey: 'k-same', input: { a: 1, b: 2 } }), null, clock.now());
    // same JSON, keys in another order: jsonb compares values, not text
    const b = await store.submitIntent(db, NS, newIntent(type, { idempotencyKey: 'k-same', input: { b: 2, a: 1 } }), null, clock.now());
    expect(b.intent.id).toBe(a.intent.id);
    expect(b.change).toBeNull();
    expect(await listEvents(db, NS, a.intent.id, 0, 100)).toHaveLength(1);
  });

  it('refuses the same key with a different input with CONFLICT', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type, { idempotencyKey: 'k-diff', input: { a: 1 } }), null, clock.now());
    await expect(store.submitIntent(db, NS, newIntent(type, { idempotencyKey: 'k-diff', input: { a: 2 } }), null, clock.now()))
      .rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('creates exactly one intent when many submits with one key race', async () => {
    const type = freshType();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.submitIntent(db, NS, newIntent(type, { idempotencyKey: 'k-race' }), null, clock.now())),
    );
    expect(new Set(results.map((r) => r.intent.id)).size).toBe(1);
    expect(results.filter((r) => r.change !== null)).toHaveLength(1);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from intents where idempotency_key = 'k-race'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses a parent that does not exist with NOT_FOUND', async () => {
    await expect(store.submitIntent(db, NS, newIntent(freshType(), { parentId: uuidv7() }), null, clock.now()))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads the parent by its key, not the namespace: a submit costs the same however many intents are stored', async () => {
    // The table's statistics are never updated here (no ANALYZE; autovacuum may be off),
    // as on a new database: the planner must not be left to pick a hash of every intent.
    const type = freshType();
    const many = Array.from({ length: 1500 }, () => ({ intent: newIntent(type), actor: null, now: clock.now() }));
    await store.submitIntents(db, NS, many);
    const parent = many[0]!.intent.id;
    const plans: unknown[] = [];
    // runs the submit under EXPLAIN ANALYZE (it is written) and answers it as if nothing was
    const explaining = {
      query: async (sql: string, params?: readonly unknown[]) => {
        const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) ${sql}`, params);
        plans.push(rows[0]!['QUERY PLAN']);
        return { rows: [] };
      },
      exec: (sql: string) => db.exec(sql),
    } as unknown as Db;
    await store.submitIntents(explaining, NS, [
      { intent: newIntent(type), actor: null, now: clock.now() },
      { intent: newIntent(type, { parentId: parent }), actor: null, now: clock.now() },
      { intent: newIntent(type, { parentId: uuidv7() }), actor: null, now: clock.now() },
    ]);
    type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Actual Rows': number; Plans?: PlanNode[] };
    const reads: { node: string; rows: number }[] = [];
    const walk = (n: PlanNode) => {
      if (n['Relation Name'] === 'intents' && n['Node Type'] !== 'ModifyTable') reads.push({ node: n['Node Type'], rows: n['Actual Rows'] });
      n.Plans?.forEach(walk);
    };
    walk((plans[0] as { Plan: PlanNode }[])[0]!.Plan);
    expect(reads.length).toBeGreaterThan(0); // the parent is read
    for (const r of reads) expect(r.rows, JSON.stringify(reads)).toBeLessThanOrEqual(1);
  });
});

describe('claim', () => {
  it('hands out the highest priority first, then the oldest runAt', async () => {
    const type = freshType();
    const t0 = clock.now().getTime();
    const low = await store.submitIntent(db, NS, newIntent(type, { priority: 1, runAt: new Date(t0 - 3000) }), null, clock.now());
    const highNew = await store.submitIntent(db, NS, newIntent(type, { priority: 5, runAt: new Date(t0 - 1000) }), null, clock.now());
    const highOld = await store.submitIntent(db, NS, newIntent(type, { priority: 5, runAt: new Date(t0 - 2000) }), null, clock.now());
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await claim(type))!.intent.id);
    expect(order).toEqual([highOld.intent.id, highNew.intent.id, low.intent.id]);
    expect(await claim(type)).toBeNull();
  });

  it('does not hand out an intent before its runAt', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type, { runAt: new Date(clock.now().getTime() + 10_000) }), null, clock.now());
    expect(await claim(type)).toBeNull();
    clock.advance(10_000);
    expect(await claim(type)).not.toBeNull();
  });

  it('hands each intent to exactly one of many concurrent claimers', async () => {
    const type = freshType();
    const N = 200;
    for (let i = 0; i < N; i++) await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const claimed: string[] = [];
    const worker = async (w: number) => {
      for (;;) {
        const c = await claim(type, `w${w}`);
        if (!c) return;
        claimed.push(c.intent.id);
      }
    };
    // with REAL_PG these run on separate connections and contend on the same rows
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    expect(claimed).toHaveLength(N);
    expect(new Set(claimed).size).toBe(N);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from intent_events e join intents i on i.id = e.intent_id where i.type = $1 and e.kind = 'CLAIMED'`, [type]);
    expect(rows[0]!.n).toBe(N);
  }, 60_000);
});

describe('lease-guarded changes', () => {
  it('complete with the live token finishes the intent; a second complete is CONFLICT and changes nothing', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const lease = (await claim(type))!;
    const done = await complete(lease.intent.id, lease.intent.leaseToken!, { answer: 42 }, 'agent-1');
    expect(done.intent).toMatchObject({ status: 'COMPLETED', output: { answer: 42 }, leaseToken: null });
    expect(done.event).toMatchObject({ kind: 'COMPLETED', seq: 3 });
    await expect(complete(lease.intent.id, lease.intent.leaseToken!, { answer: 43 }, 'agent-1'))
      .rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.getIntent(db, NS, lease.intent.id))!.output).toEqual({ answer: 42 });
  });

  it('fences an old token: after the lease expires and another agent claims, the first agent gets LEASE_LOST', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const first = (await claim(type, 'a', 30))!;
    clock.advance(31_000);
    await expect(store.heartbeatIntent(db, NS, first.intent.id, first.intent.leaseToken!, 30, clock.now()))
      .rejects.toMatchObject({ code: 'LEASE_LOST' });
    // put it back as the recovery sweeper will, then a second agent claims
    await db.query(`update intents set status = 'PENDING', lease_token = null, lease_expires_at = null where id = $1`, [first.intent.id]);
    const second = (await claim(type, 'b'))!;
    expect(second.intent.id).toBe(first.intent.id);
    await expect(complete(first.intent.id, first.intent.leaseToken!, 'late', 'a'))
      .rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(store.checkpointIntent(db, NS, first.intent.id, first.intent.leaseToken!, { x: 1 }, 'a', clock.now()))
      .rejects.toMatchObject({ code: 'LEASE_LOST' });
    const current = (await store.getIntent(db, NS, first.intent.id))!;
    expect(current).toMatchObject({ status: 'RUNNING', leaseAgent: 'b', checkpoint: null, output: null });
  });

  it('heartbeat extends the lease from now', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const lease = (await claim(type, 'a', 10))!;
    clock.advance(8_000);
    const hb = await store.heartbeatIntent(db, NS, lease.intent.id, lease.intent.leaseToken!, 20, clock.now());
    expect(hb.leaseExpiresAt!.getTime()).toBe(clock.now().getTime() + 20_000);
    expect(hb.lastSeq).toBe(lease.intent.lastSeq); // heartbeats are not transitions: no event
  });

  it('fail retries while attempts remain, keeps the checkpoint, then FAILED with every error in the log', async () => {
    const type = freshType();
    const { intent } = await store.submitIntent(db, NS, newIntent(type, { maxAttempts: 2 }), null, clock.now());
    let lease = (await claim(type))!;
    await store.checkpointIntent(db, NS, intent.id, lease.intent.leaseToken!, { step: 1 }, 'agent-1', clock.now());
    const first = await db.transaction((tx) => store.failIntent(tx, NS, intent.id, lease.intent.leaseToken!, { message: 'boom 1', code: 'E1', retryable: true, details: null }, 'agent-1', clock.now()));
    expect(first.intent).toMatchObject({ status: 'PENDING', attempt: 1, checkpoint: { step: 1 } });
    expect(first.event.kind).toBe('RETRY_SCHEDULED');
    lease = (await claim(type))!;
    expect(lease.intent).toMatchObject({ attempt: 2, checkpoint: { step: 1 } });
    const second = await db.transaction((tx) => store.failIntent(tx, NS, intent.id, lease.intent.leaseToken!, { message: 'boom 2', code: 'E2', retryable: true, details: null }, 'agent-1', clock.now()));
    expect(second.intent).toMatchObject({ status: 'FAILED', error: { message: 'boom 2' } });
    const errors = (await listEvents(db, NS, intent.id, 0, 100))
      .filter((e) => e.kind === 'RETRY_SCHEDULED' || e.kind === 'FAILED')
      .map((e) => (e.data as { error: { message: string } }).error.message);
    expect(errors).toEqual(['boom 1', 'boom 2']);
  });

  it('a non-retryable failure goes straight to FAILED', async () => {
    const type = freshType();
    const { intent } = await store.submitIntent(db, NS, newIntent(type, { maxAttempts: 5 }), null, clock.now());
    const lease = (await claim(type))!;
    const r = await db.transaction((tx) => store.failIntent(tx, NS, intent.id, lease.intent.leaseToken!, { message: 'bad input', code: null, retryable: false, details: null }, null, clock.now()));
    expect(r.intent.status).toBe('FAILED');
  });
});

describe('cancel and retry', () => {
  it('cancel ends a running intent; the agent’s next call is CONFLICT', async () => {
    const type = freshType();
    await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const lease = (await claim(type))!;
    const c = await db.transaction((tx) => store.cancelIntent(tx, NS, lease.intent.id, 'not needed', 'operator', clock.now()));
    expect(c.intent).toMatchObject({ status: 'CANCELLED', leaseToken: null });
    expect(c.event.data).toMatchObject({ reason: 'not needed', from: 'RUNNING' });
    await expect(store.heartbeatIntent(db, NS, lease.intent.id, lease.intent.leaseToken!, 30, clock.now()))
      .rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'CANCELLED' } });
    await expect(db.transaction((tx) => store.cancelIntent(tx, NS, lease.intent.id, null, null, clock.now()))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('retry brings a FAILED intent back under the same id with its input, checkpoint, error and attempts', async () => {
    const type = freshType();
    const { intent } = await store.submitIntent(db, NS, newIntent(type, { maxAttempts: 1, input: { q: 'x' } }), null, clock.now());
    const lease = (await claim(type))!;
    await store.checkpointIntent(db, NS, intent.id, lease.intent.leaseToken!, { half: true }, null, clock.now());
    await db.transaction((tx) => store.failIntent(tx, NS, intent.id, lease.intent.leaseToken!, { message: 'once', code: null, retryable: true, details: null }, null, clock.now()));
    const r = await db.transaction((tx) => store.retryIntent(tx, NS, intent.id, 'operator', clock.now()));
    expect(r.intent).toMatchObject({ id: intent.id, status: 'PENDING', input: { q: 'x' }, checkpoint: { half: true }, attempt: 1, error: { message: 'once' }, finishedAt: null });
    const again = (await claim(type))!;
    expect(again.intent).toMatchObject({ id: intent.id, attempt: 2 });
    await expect(db.transaction((tx) => store.retryIntent(tx, NS, intent.id, null, clock.now()))).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('refuses to retry a COMPLETED intent with CONFLICT', async () => {
    const type = freshType();
    const { intent } = await store.submitIntent(db, NS, newIntent(type), null, clock.now());
    const lease = (await claim(type))!;
    await complete(intent.id, lease.intent.leaseToken!, null, null);
    await expect(db.transaction((tx) => store.retryIntent(tx, NS, intent.id, null, clock.now()))).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

it('keeps every intent’s event seqs gapless (1..lastSeq) across all of the above', async () => {
  const { rows } = await db.query<{ id: string; last_seq: number; n: number; max: number; min: number }>(`
    select i.id, i.last_seq, count(e.*)::int as n, max(e.seq) as max, min(e.seq) as min
    from intents i join intent_events e on e.intent_id = i.id group by i.id, i.last_seq`);
  expect(rows.length).toBeGreaterThan(10);
  for (const r of rows) expect([r.n, r.max, r.min]).toEqual([r.last_seq, r.last_seq, 1]);
});

it(`runs on ${REAL_PG ? 'PostgreSQL' : 'PGlite'}`, () => {
  expect(db.kind).toBe(REAL_PG ? 'postgres' : 'pglite');
});
