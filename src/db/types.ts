/**
 * The one database interface the store is written against. Both real PostgreSQL
 * (pg Pool) and embedded PGlite satisfy it, so every SQL statement runs on both.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$n` parameters. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when a trivial query answers; for /readyz. */
  ping(): Promise<boolean>;
  /** Connection pool use, for /metrics; absent on backends without a pool. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
