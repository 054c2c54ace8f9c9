import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { claimIntents } from '../src/store/intents.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
  await migrate(t.db);
});
afterAll(() => t.close());

it('checks concurrency keys only on candidates ahead of the one it takes', async () => {
  // 5,000 pending intents with a key each (the most urgent one's key is full) among
  // finished ones, with statistics: the shape where a filter ran on every pending row
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, concurrency_key, concurrency_limit, priority)
    select gen_random_uuid(), 'ns', 'keyed', 'PENDING', 3, '2030-01-01', '2030-01-01', '2030-01-01', 'k' || g, 1, case when g = 1 then 9 else g % 3 end
    from generate_series(1, 5000) g`);
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, finished_at)
    select gen_random_uuid(), 'ns', 'keyed', 'COMPLETED', 3, '2030-01-01', '2030-01-01', '2030-01-01', '2030-01-01' from generate_series(1, 20000)`);
  await t.db.exec('analyze intents');
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, concurrency_key, concurrency_limit, lease_token, lease_expires_at)
    values (gen_random_uuid(), 'ns', 'keyed', 'RUNNING', 3, '2030-01-01', '2030-01-01', '2030-01-01', 'k1', 1, gen_random_uuid(), '2031-01-01')`);
  const now = new Date('2030-01-02');
  const { claimed, locks } = await t.db.transaction(async (tx) => {
    const [c] = await claimIntents(tx, 'ns', { types: ['keyed'], agents: ['a'], leaseSeconds: 30 }, now);
    const { rows } = await tx.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`);
    return { claimed: c?.change, locks: rows[0]!.n };
  });
  expect(claimed?.intent.concurrencyKey).not.toBe('k1'); // k1 is full, so the next candidate
  expect(claimed?.intent.priority).toBe(2);
  // one advisory lock for the full key it looked at, one for the key it took: not one per pending row
  expect(locks).toBeLessThanOrEqual(2);
});

it('locks at most 256 concurrency keys in one claim, and still takes an unkeyed intent behind more full ones', async () => {
  // 400 keys, each full (one RUNNING at limit 1), each with a more urgent PENDING intent, then one without a key
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, concurrency_key, concurrency_limit, lease_token, lease_expires_at)
    select gen_random_uuid(), 'ns2', 'full', 'RUNNING', 3, '2030-01-01', '2030-01-01', '2030-01-01', 'f' || g, 1, gen_random_uuid(), '2031-01-01'
    from generate_series(1, 400) g`);
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, concurrency_key, concurrency_limit, priority)
    select gen_random_uuid(), 'ns2', 'full', 'PENDING', 3, '2030-01-01', '2030-01-01', '2030-01-01', 'f' || g, 1, 5
    from generate_series(1, 400) g`);
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, priority)
    values (gen_random_uuid(), 'ns2', 'full', 'PENDING', 3, '2030-01-01', '2030-01-01', '2030-01-01', 1)`);
  const { claimed, locks } = await t.db.transaction(async (tx) => {
    const taken = await claimIntents(tx, 'ns2', { types: ['full'], agents: ['a', 'a', 'a'], leaseSeconds: 30 }, new Date('2030-01-02'));
    const { rows } = await tx.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`);
    return { claimed: taken, locks: rows[0]!.n };
  });
  expect(claimed.map((c) => c.change.intent.concurrencyKey)).toEqual([null]);
  expect(locks).toBeLessThanOrEqual(256);
});
