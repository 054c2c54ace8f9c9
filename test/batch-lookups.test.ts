/**
 * Batch statements that read their items from one jsonb parameter (jsonb_to_recordset,
 * which the planner takes for 100 rows) find their intents by primary key, however many
 * others run: a batch of step records, expired leases and the leases of ended sessions
 * each read about as many intent rows as they have items, not every RUNNING intent or
 * the whole table; a lone record reads its one. Counted with the transaction's own
 * statistics (pg_stat_xact_user_tables).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import type { Queryable } from '../src/db/types.ts';
import { completeIntents } from '../src/store/intents.ts';
import { recordSteps } from '../src/store/record-steps.ts';
import { recordStep } from '../src/store/steps.ts';
import { expireLeases } from '../src/store/recovery.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
const RUNNING = 600;
const now = new Date('2030-01-02T00:00:00Z');

beforeAll(async () => {
  t = await freshDb();
  await migrate(t.db);
  // many RUNNING intents with live leases, spread among finished ones as a day's work leaves them, with statistics
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, finished_at, lease_token, lease_agent, lease_expires_at)
    select gen_random_uuid(), 'ns', 'busy', r.status, 3, '2030-01-01', '2030-01-01', '2030-01-01',
      case when r.running then null else timestamptz '2030-01-01' end,
      case when r.running then gen_random_uuid() end, case when r.running then 'a' end,
      case when r.running then timestamptz '2031-01-01' + make_interval(secs => g) end
    from generate_series(1, ${RUNNING * 6}) g,
      lateral (select g % 6 = 0 as running, case when g % 6 = 0 then 'RUNNING' else 'COMPLETED' end as status) r`);
  await t.db.exec('analyze');
});
afterAll(() => t.close());

/** Intent rows the transaction read so far: by sequential scans and through indexes. */
async function intentRowsRead(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_user_tables where relname = 'intents'`);
  return Number(rows[0]?.n ?? 0);
}

it('a batch of step records reads its own intents, not every running one', async () => {
  const { rows: leased } = await t.db.query<{ id: string; lease_token: string }>(
    `select id, lease_token from intents where status = 'RUNNING' order by id limit 3`);
  const read = await t.db.transaction(async (tx) => {
    const before = await intentRowsRead(tx);
    const written = await recordSteps(tx, 'ns', leased.map((l, n) => ({
      id: l.id, token: l.lease_token,
      record: { name: 'step', outputJson: `{"n":${n}}`, outputBytes: 7, durationMs: 1, error: null, usage: [] },
    })), null, now);
    expect(written.size).toBe(3);
    return (await intentRowsRead(tx)) - before;
  });
  expect(read).toBeLessThan(30);
});

it('a lone step record reads its own intent', async () => {
  const { rows: [l] } = await t.db.query<{ id: string; lease_token: string }>(
    `select id, lease_token from intents where status = 'RUNNING' order by id limit 1 offset 20`);
  const read = await t.db.transaction(async (tx) => {
    const before = await intentRowsRead(tx);
    const r = await recordStep(tx, 'ns', l!.id, l!.lease_token, { name: 'alone', outputJson: '1', outputBytes: 1, durationMs: 1, error: null, usage: [] }, null, now);
    expect(r.change).not.toBeNull();
    return (await intentRowsRead(tx)) - before;
  });
  expect(read).toBeLessThan(10);
});

it('a batch of completions reads its own intents', async () => {
  const { rows: leased } = await t.db.query<{ id: string; lease_token: string }>(
    `select id, lease_token from intents where status = 'RUNNING' order by id desc limit 3 offset 10`);
  const read = await t.db.transaction(async (tx) => {
    const before = await intentRowsRead(tx);
    const done = await completeIntents(tx, 'ns', leased.map((l) => ({ id: l.id, token: l.lease_token, output: { ok: true } })), null, now);
    expect(done.size).toBe(3);
    return (await intentRowsRead(tx)) - before;
  });
  expect(read).toBeLessThan(30);
});

it('the lease-expiry sweep updates the expired intents by primary key', async () => {
  await t.db.query(`update intents set lease_expires_at = '2030-01-01' where id in (
    select id from intents where status = 'RUNNING' order by id desc limit 2)`);
  const read = await t.db.transaction(async (tx) => {
    const before = await intentRowsRead(tx);
    const changes = await expireLeases(tx, now, 100, () => now);
    expect(changes).toHaveLength(2);
    return (await intentRowsRead(tx)) - before;
  });
  expect(read).toBeLessThan(30);
});
