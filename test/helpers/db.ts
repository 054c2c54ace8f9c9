import { randomBytes } from 'node:crypto';
import { createPgDb, quoteIdent } from '../../src/db/pg.ts';
import { createPgliteDb } from '../../src/db/pglite.ts';
import type { Db } from '../../src/db/types.ts';

export const REAL_PG = process.env.DATABASE_URL ?? null;
export const backend = REAL_PG ? 'postgres' : 'pglite';

export interface TestDb {
  db: Db;
  /** Opens another, independent connection pool on the same database (postgres only), of `max` connections (20). */
  another(max?: number): Db;
  /** Closes everything; on postgres drops the schema. Keep it with AXME_KEEP_TEST_DB=1 to inspect a failure. */
  close(): Promise<void>;
}

/** A fresh, empty database for one test file: an in-memory PGlite, or a new schema on DATABASE_URL. */
export async function freshDb(): Promise<TestDb> {
  if (!REAL_PG) {
    const db = await createPgliteDb(undefined);
    return { db, another: () => { throw new Error('PGlite has one connection'); }, close: () => db.close() };
  }
  const schema = `axme_test_${randomBytes(6).toString('hex')}`;
  const admin = createPgDb({ connectionString: REAL_PG, max: 1 });
  await admin.query(`create schema ${quoteIdent(schema)}`);
  const pools: Db[] = [];
  const open = (max = 20) => {
    const db = createPgDb({ connectionString: REAL_PG, schema, max });
    pools.push(db);
    return db;
  };
  const db = open();
  return {
    db,
    another: open,
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      if (!process.env.AXME_KEEP_TEST_DB) await admin.query(`drop schema ${quoteIdent(schema)} cascade`);
      await admin.close();
    },
  };
}
