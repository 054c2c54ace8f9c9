/**
 * A server keeps each statement prepared on its connections, and PostgreSQL plans a
 * prepared statement once for good after its first five runs (a generic plan), with the
 * statistics of that moment. A new database has none: each namespace looks like 0.5% of
 * the table, so a plan made then may reach an intent by id through an index that starts
 * with the namespace, reading every intent of the namespace, and keeps doing so as the
 * table grows until autovacuum's first analyze (up to a minute under load). The statistics
 * sweep analyzes a table each time it doubles. Here the plans are made on new tables by
 * durable runs over a listening server (one connection, so every statement is prepared
 * there), the table then grows by 20,000 intents, the sweep runs, and each statement the
 * runs sent is run again with its own values: it reads about the pages it read before
 * (deeper indexes cost an insert a few more), not pages in proportion to the table.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import { migrate } from '../src/db/migrate.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Queryable } from '../src/db/types.ts';
import { registerStatisticsSweep } from '../src/sweeps/statistics.ts';
import { Sweeper } from '../src/sweeps/sweeper.ts';
import { captureLog } from './helpers/log.ts';
import { statementName } from '../src/db/pg.ts';
import type { Db } from '../src/db/types.ts';
import { freshDb, REAL_PG, type TestDb } from './helpers/db.ts';
import { startInstance } from './helpers/live.ts';
import { spying } from './helpers/recording.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Sent { sql: string; params: readonly unknown[] }

// how pg turns a value into a parameter's text (dates, arrays), for the same values written out
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): string | null };

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The values with every id replaced by another (the same one each time), for an insert that would otherwise meet its own row. */
function withOtherIds(params: readonly unknown[], others: Map<string, string>): unknown[] {
  const other = (v: unknown): unknown =>
    typeof v === 'string' ? v.replace(UUID, (id) => others.get(id) ?? (others.set(id, randomUUID()), others.get(id)!))
      : Array.isArray(v) ? v.map(other) : v;
  return params.map(other);
}

/**
 * Pages (shared buffers hit or read) the statement's cached plan touches, its writes
 * rolled back. A statement that would insert a row that is there (a submit's intent)
 * runs with other ids instead, the same ones each time.
 */
async function pagesTouched(db: Db, s: Sent, others: Map<string, string>): Promise<number> {
  try {
    return await explained(db, s.sql, others.size ? withOtherIds(s.params, others) : s.params);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505' || others.size) throw err;
    return explained(db, s.sql, withOtherIds(s.params, others));
  }
}

async function explained(db: Db, sql: string, params: readonly unknown[]): Promise<number> {
  const name = statementName(sql);
  const args = params.map((v) => {
    const text = prepareValue(v);
    return text === null ? 'null' : pg.escapeLiteral(String(text));
  });
  const rollback = new Error('rollback');
  let pages = 0;
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
      `explain (analyze, buffers, format json) execute ${name}(${args.join(', ')})`);
    const plan = rows[0]!['QUERY PLAN'][0].Plan;
    pages = Number(plan['Shared Hit Blocks'] ?? 0) + Number(plan['Shared Read Blocks'] ?? 0);
    throw rollback;
  }).catch((err) => {
    if (err !== rollback) throw err;
  });
  return pages;
}

/** Ends the transaction's writes counted in pg_stat_user_tables at once (PostgreSQL 15+ reports them up to 10 s later otherwise). */
async function reportedAtCommit(tx: Queryable): Promise<void> {
  await tx.exec(`do $$ begin
    if exists (select 1 from pg_proc where proname = 'pg_stat_force_next_flush') then perform pg_stat_force_next_flush(); end if;
  end $$`);
}

/** Waits until the statistics the sweep reads show `rows` live rows in `table` (older servers report them within about a second). */
async function counted(db: Db, table: string, rows: number): Promise<void> {
  for (const deadline = Date.now() + 15_000; ;) {
    const { rows: [r] } = await db.query<{ n: string }>(`select n_live_tup as n from pg_stat_user_tables where schemaname = current_schema() and relname = $1`, [table]);
    if (Number(r?.n ?? 0) >= rows) return;
    if (Date.now() > deadline) throw new Error(`${table} never showed ${rows} rows`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The row count the table's last analyze left (-1 or 0: never analyzed). */
async function analyzedRows(db: Db, table: string): Promise<number> {
  const { rows: [r] } = await db.query<{ n: number }>(`select reltuples::float8 as n from pg_class where oid = $1::regclass`, [table]);
  return Number(r!.n);
}

it.skipIf(!REAL_PG)('statements planned on new tables read about as many pages after the tables grow', { timeout: 60_000 }, async () => {
  const tdb: TestDb = await freshDb();
  cleanups.push(() => tdb.close());
  await migrate(tdb.db);
  // no autovacuum during the test: the only analyze is the statistics sweep's
  for (const t of ['intents', 'intent_events', 'intent_steps']) await tdb.db.exec(`alter table ${t} set (autovacuum_enabled = off)`);

  const sent: Sent[] = [];
  const one = spying(tdb.another(1), (q) => (sql, params) => {
    if (params) sent.push({ sql, params });
    return q.query(sql, params);
  });
  const srv = await startInstance(one);
  cleanups.push(() => srv.running.shutdown());
  const axme = createClient({ url: srv.url });
  cleanups.push(() => axme.close());
  const worker = axme.worker({ types: ['plans'], concurrency: 8, agent: 'plans' }, async (run) => {
    const a = await run.step('one', () => ({ n: (run.input as { n: number }).n }));
    await run.progress({ done: 1 });
    await run.checkpoint({ a });
    const b = await run.step('two', () => ({ n: a.n + 1 }));
    return run.step('three', () => ({ n: b.n + 1 }), { last: true });
  });
  cleanups.push(() => worker.stop());
  // one at a time, then many at once (batches), then each answered after the run
  for (let n = 0; n < 8; n++) await axme.execute({ type: 'plans', input: { n } });
  await Promise.all(Array.from({ length: 24 }, (_, n) => axme.execute({ type: 'plans', input: { n } })));
  for (let n = 0; n < 8; n++) await axme.result((await axme.submit({ type: 'plans', input: { n } })).id);

  // the last time each statement (by text) was sent, as it will be sent again
  const statements = [...new Map(sent.filter((s) => /\bintents\b/.test(s.sql)).map((s) => [s.sql, s])).values()];
  expect(statements.length).toBeGreaterThan(4);
  const before = new Map<string, number>();
  const others = new Map(statements.map((s) => [s.sql, new Map<string, string>()]));
  for (const s of statements) before.set(s.sql, await pagesTouched(one, s, others.get(s.sql)!));

  await tdb.db.transaction(async (tx) => {
    // each as a day's work leaves it: claimed (RUNNING, leased) and then completed, so that the
    // indexes hold the entries of every version until vacuum clears them
    await tx.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at)
      select gen_random_uuid(), 'default', 'plans', 'PENDING', 3, now(), now(), now() from generate_series(1, 20000)`);
    await tx.query(`update intents set status = 'RUNNING', attempt = 1, lease_token = gen_random_uuid(), lease_agent = 'a',
      lease_expires_at = now() + interval '1 hour', attempt_expires_at = now() + interval '1 hour' where type = 'plans' and status = 'PENDING'`);
    await tx.query(`update intents set status = 'COMPLETED', lease_token = null, lease_agent = null, lease_expires_at = null,
      attempt_expires_at = null, finished_at = now() where type = 'plans' and status = 'RUNNING'`);
    await reportedAtCommit(tx);
  });
  await counted(tdb.db, 'intents', 20_000);
  await srv.app.sweeper.sweep();
  expect(await analyzedRows(tdb.db, 'intents')).toBeGreaterThanOrEqual(20_000);

  const grown = async (which: Sent[]) => {
    const found: string[] = [];
    for (const s of which) {
      const after = await pagesTouched(one, s, others.get(s.sql)!);
      if (after > before.get(s.sql)! * 3 + 50) found.push(`${before.get(s.sql)} → ${after} pages: ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    return found;
  };
  // Statements that find intents by key read what they did before, though the indexes still
  // hold an entry for every version of every intent. The claim and the submit's hand-off
  // read the PENDING queue (intents_claim) in order, and its dead entries are vacuum's to clear.
  const readsQueue = (s: Sent) => /axme_claim_candidates|hand_types/.test(s.sql);
  expect(statements.filter(readsQueue)).toHaveLength(2);
  expect(await grown(statements.filter((s) => !readsQueue(s)))).toEqual([]);
  await tdb.db.exec('vacuum intents');
  expect(await grown(statements)).toEqual([]);
});

it.skipIf(!REAL_PG)('the sweep analyzes a table once it has 100 rows, then again each time they double', async () => {
  const tdb: TestDb = await freshDb();
  cleanups.push(() => tdb.close());
  await tdb.db.exec('create table grows (n int); alter table grows set (autovacuum_enabled = off)');
  const { log } = captureLog();
  const sweeper = new Sweeper({ clock: new ManualClock(), log, intervalMs: 60_000 });
  registerStatisticsSweep(sweeper, { db: tdb.db, log });
  let rows = 0;
  const growTo = async (n: number) => {
    await tdb.db.transaction(async (tx) => {
      await tx.query(`insert into grows select g from generate_series(${rows + 1}, ${n}) g`);
      await reportedAtCommit(tx);
    });
    await counted(tdb.db, 'grows', (rows = n));
    await sweeper.sweep();
    return analyzedRows(tdb.db, 'grows');
  };

  expect(await growTo(99)).toBeLessThanOrEqual(0);
  expect(await growTo(100)).toBe(100);
  expect(await growTo(199)).toBe(100);
  expect(await growTo(200)).toBe(200);
});

it.skipIf(!REAL_PG)('a table whose analyze fails is tried again once it doubles, and the tables after it are analyzed meanwhile', async () => {
  const tdb: TestDb = await freshDb();
  cleanups.push(() => tdb.close());
  for (const t of ['grows_a', 'grows_b']) await tdb.db.exec(`create table ${t} (n int); alter table ${t} set (autovacuum_enabled = off)`);
  const tried: string[] = [];
  const failing = Object.assign(Object.create(tdb.db) as Db, {
    exec: async (sql: string) => {
      if (/^analyze/.test(sql)) tried.push(sql);
      if (/grows_a/.test(sql)) throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
      return tdb.db.exec(sql);
    },
  });
  const captured = captureLog();
  const sweeper = new Sweeper({ clock: new ManualClock(), log: captured.log, intervalMs: 60_000 });
  registerStatisticsSweep(sweeper, { db: failing, log: captured.log });
  const grow = async (t: string, from: number, to: number) => {
    await tdb.db.transaction(async (tx) => {
      await tx.query(`insert into ${t} select g from generate_series(${from}, ${to}) g`);
      await reportedAtCommit(tx);
    });
    await counted(tdb.db, t, to);
  };
  await grow('grows_a', 1, 150);
  await grow('grows_b', 1, 150);

  await sweeper.sweep();
  await sweeper.sweep();
  const warned = captured.lines.filter((l) => l.msg?.startsWith('analyze failed'));
  expect(warned).toHaveLength(1);
  expect(warned[0]).toMatchObject({ level: 40, table: expect.stringContaining('grows_a') });
  expect(tried.filter((sql) => sql.includes('grows_a'))).toHaveLength(1);
  expect(await analyzedRows(tdb.db, 'grows_b')).toBe(150);

  await grow('grows_a', 151, 300);
  await sweeper.sweep();
  expect(tried.filter((sql) => sql.includes('grows_a'))).toHaveLength(2);
  expect(captured.errors()).toEqual([]);
});
