import { afterAll, beforeAll, expect, it } from 'vitest';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

it('runs the same statement on both backends with parameters, JSON and arrays', async () => {
  await t.db.exec('create table kv (k text primary key, v jsonb, tags text[])');
  await t.db.query('insert into kv values ($1, $2::jsonb, $3::text[])', ['a', JSON.stringify({ x: [1, 2] }), ['p', 'q']]);
  const { rows } = await t.db.query('select * from kv where k = $1', ['a']);
  expect(rows).toEqual([{ k: 'a', v: { x: [1, 2] }, tags: ['p', 'q'] }]);
});

it.runIf(REAL_PG)('keeps answering when a migration changes a table under a prepared statement', async () => {
  // one connection, so the second call reuses the statement prepared by the first
  const db = t.another();
  await db.exec('create table moving (id int)');
  await db.query('insert into moving values ($1)', [1]);
  for (let i = 0; i < 3; i++) await db.query('select * from moving where id = $1', [1]);
  await t.db.exec('alter table moving add column extra text');
  const { rows } = await db.query('select * from moving where id = $1', [1]);
  expect(rows).toEqual([{ id: 1, extra: null }]);
});

it('rolls back a transaction that throws, leaving nothing behind', async () => {
  await t.db.exec('create table tx_probe (n int)');
  await expect(t.db.transaction(async (tx) => {
    await tx.query('insert into tx_probe values ($1)', [1]);
    throw new Error('boom');
  })).rejects.toThrow('boom');
  expect((await t.db.query('select count(*)::int as n from tx_probe')).rows[0]).toEqual({ n: 0 });
});

it.runIf(REAL_PG)('survives the connection dying in the middle of a transaction', async () => {
  const db = t.another();
  const outcome = db.transaction(async (tx) => {
    const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
    // another session kills this transaction's backend while the transaction waits between statements
    await t.db.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((r) => setTimeout(r, 200));
    return tx.query('select 1');
  });
  await expect(outcome).rejects.toThrow();
  // the process is still here, and the pool hands out a working connection again
  expect((await db.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
});
