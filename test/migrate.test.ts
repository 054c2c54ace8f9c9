import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { listMigrations, migrate } from '../src/db/migrate.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
beforeEach(async () => {
  t = await freshDb();
});
afterEach(() => t.close());

it('applies every migration once, and a second run finds nothing to do', async () => {
  const all = (await listMigrations()).map((m) => m.name);
  expect(await migrate(t.db)).toEqual(all);
  expect(await migrate(t.db)).toEqual([]);
  const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from axme_migrations');
  expect(rows[0]!.n).toBe(all.length);
});

it('is safe when several instances start at once: each migration is applied exactly once', async () => {
  // On PostgreSQL these are separate pools (separate instances); PGlite runs them on its one connection.
  const dbs = REAL_PG ? [t.db, t.another(), t.another(), t.another()] : [t.db, t.db, t.db, t.db];
  const results = await Promise.all(dbs.map((db) => migrate(db)));
  const applied = results.flat();
  expect(applied.sort()).toEqual((await listMigrations()).map((m) => m.name).sort());
  const { rows } = await t.db.query<{ id: number }>('select id from axme_migrations order by id');
  expect(rows.map((r) => r.id)).toEqual((await listMigrations()).map((m) => m.id));
});

it('leaves only the functions the server calls: a migration that supersedes one drops it', async () => {
  await migrate(t.db);
  const { rows } = await t.db.query<{ name: string }>(
    `select proname as name from pg_proc where proname like 'axme\\_%' and pronamespace = current_schema()::regnamespace order by proname`);
  expect(rows.map((r) => r.name)).toEqual(['axme_claim_candidates', 'axme_raise_last_tx']);
});

it('refuses to run against a database migrated by a newer server', async () => {
  await migrate(t.db);
  await t.db.query(`insert into axme_migrations (id, name) values (9999, '9999_future.sql')`);
  await expect(migrate(t.db)).rejects.toThrow(/migration 9999 that this server does not know/);
});

it('rolls back a failing migration whole, leaving the database as it was', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'axme-mig-'));
  try {
    await writeFile(join(dir, '001_ok.sql'), 'create table a (x int);');
    await writeFile(join(dir, '002_bad.sql'), 'create table b (x int); select nonsense from nowhere;');
    await expect(migrate(t.db, dir)).rejects.toThrow();
    const { rows } = await t.db.query(`select to_regclass('a') as a, to_regclass('b') as b`);
    expect(rows[0]).toEqual({ a: null, b: null });
  } finally {
    await rm(dir, { recursive: true });
  }
});

it('indexes no column a step record changes, so each step updates its intent in place (HOT) without index entries', async () => {
  await migrate(t.db);
  // recordStep sets last_seq and updated_at; the trigger raises last_tx (store/steps.ts, migration 003)
  const { rows } = await t.db.query<{ indexdef: string }>(`select indexdef from pg_indexes where tablename = 'intents' and schemaname = current_schema()`);
  expect(rows.length).toBeGreaterThan(5);
  const touching = rows.map((r) => r.indexdef).filter((d) => /\b(last_seq|updated_at|last_tx)\b/.test(d));
  expect(touching).toEqual([]);
  const { rows: opts } = await t.db.query<{ reloptions: string[] | null }>(`select reloptions from pg_class where oid = 'intents'::regclass`);
  expect(opts[0]!.reloptions).toContain('fillfactor=80');
});
