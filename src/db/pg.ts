import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.ts';

export interface PgDbOptions {
  connectionString: string;
  /** Schema for every connection's search_path; default: the server's default (public). */
  schema?: string | undefined;
  /** Pool size; default 10. */
  max?: number | undefined;
  onError?: (err: Error) => void;
}

/** Deadlocks and serialization failures are safe to retry: the transaction did nothing. */
const RETRYABLE = new Set(['40P01', '40001']);
const TX_ATTEMPTS = 3;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function createPgDb(opts: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    options: opts.schema ? `-c search_path=${quoteIdent(opts.schema)}` : undefined,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle client whose socket dies emits here; unhandled it would crash the process.
  pool.on('error', (err) => opts.onError?.(err));

  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await c.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });

  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('begin');
          const result = await fn(wrap(client));
          await client.query('commit');
          return result;
        } catch (err) {
          try {
            await client.query('rollback');
          } catch {
            broken = true;
          }
          const code = (err as { code?: string }).code;
          if (attempt < TX_ATTEMPTS && code && RETRYABLE.has(code)) continue;
          throw err;
        } finally {
          client.release(broken);
        }
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      if (pool.ended || pool.ending) return;
      await pool.end();
    },
  };
}
