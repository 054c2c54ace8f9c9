import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.ts';

export interface PgDbOptions {
  connectionString: string;
  /** Schema for every connection's search_path; default: the server's default (public). */
  schema?: string | undefined;
  /** Pool size; default 10. */
  max?: number | undefined;
  /** Named prepared statements (parse and plan once per connection). Default true; off for PgBouncer in transaction mode. */
  prepared?: boolean | undefined;
  onError?: (err: Error) => void;
}

/** A stable statement name per SQL text: the same text is parsed and planned once per connection. */
const names = new Map<string, string>();
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `axme_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/** 0A000 "cached plan must not change result type": a migration changed a table under a prepared statement. */
const STALE_PLAN = '0A000';

/** Deadlocks, serialization failures and stale plans are safe to retry: the transaction did nothing. */
const RETRYABLE = new Set(['40P01', '40001', STALE_PLAN]);
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

  // Another instance migrated the schema under our prepared statements: they stay
  // broken on every pooled connection, so this process stops preparing (until restart).
  let prepared = opts.prepared ?? true;
  const wrap = (c: pg.Pool | pg.PoolClient, inTransaction: boolean): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      let res: pg.QueryResult;
      if (prepared && values) {
        try {
          res = await c.query({ name: statementName(sql), text: sql, values });
        } catch (err) {
          if ((err as { code?: string }).code !== STALE_PLAN) throw err;
          prepared = false;
          // inside a transaction the statement aborted it: transaction() retries the whole of it
          if (inTransaction) throw err;
          res = await c.query(sql, values);
        }
      } else {
        res = await c.query(sql, values);
      }
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });

  return {
    kind: 'postgres',
    ...wrap(pool, false),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        // A checked-out client has no pool listener: a connection that dies between two
        // statements of the transaction would emit an unhandled 'error' and end the process.
        const onError = (err: Error) => {
          broken = true;
          opts.onError?.(err);
        };
        client.on('error', onError);
        try {
          await client.query('begin');
          const result = await fn(wrap(client, true));
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
          client.off('error', onError);
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
