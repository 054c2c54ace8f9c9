import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './types.ts';

/**
 * Embedded PostgreSQL (WASM). `dataDir` is a folder, or undefined for memory.
 * PGlite is one connection: it runs one query or transaction at a time, so
 * row locks never contend and SKIP LOCKED skips nothing; results are the same.
 */
export async function createPgliteDb(dataDir: string | undefined): Promise<Db> {
  const pg = await PGlite.create(dataDir ?? 'memory://');
  let closed = false;

  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await c.query<R>(sql, params as unknown[] | undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    ...wrap(pg),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async ping() {
      if (closed) return false;
      try {
        await pg.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
    },
  };
}
