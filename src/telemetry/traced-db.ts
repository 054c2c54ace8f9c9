import type { Context } from '@opentelemetry/api';
import type { Tracing } from './tracing.ts';
import type { Db, Queryable, QueryResult } from '../db/types.ts';

/**
 * Longest db.statement kept; the SQL has `$n` placeholders, and parameter values (user data)
 * are never recorded. Long enough to reach the write of the longest statement (the submit's
 * inserts come after ~1,700 characters of CTEs that read its input).
 */
const STATEMENT_CHARS = 2_500;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * A child span per statement and per transaction, on PostgreSQL and PGlite alike.
 * Only inside a traced request: the sweeper's and start-up's queries would each
 * be a trace of their own.
 */
export function traceDb(db: Db, t: Tracing): Db {
  const { api, tracer } = t;
  const spanned = <T>(name: string, sql: string | null, parent: Context, run: (ctx: Context) => Promise<T>): Promise<T> => {
    if (!api.trace.getSpan(parent)) return run(parent);
    const span = tracer.startSpan(name, { kind: api.SpanKind.CLIENT, attributes: attributes(sql) }, parent);
    return run(api.trace.setSpan(parent, span)).then(
      (result) => {
        span.end();
        return result;
      },
      (err: unknown) => {
        // a database error, by its SQLSTATE only (driver messages can quote the offending value);
        // an application error that rolled a transaction back is the operation span's to tell
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && SQLSTATE.test(code)) {
          span.setAttribute('db.response.status_code', code);
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        span.end();
        throw err;
      },
    );
  };
  // a transaction's statements name their parent: PGlite may run the callback outside the caller's async context
  const wrap = (q: Queryable, parent?: Context): Queryable => ({
    query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return spanned(operation(sql), sql, parent ?? api.context.active(), () => q.query<R>(sql, params));
    },
    exec(sql: string) {
      return spanned(operation(sql), sql, parent ?? api.context.active(), () => q.exec(sql));
    },
  });
  return {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn) => spanned('transaction', null, api.context.active(), (ctx) => db.transaction((tx) => fn(wrap(tx, ctx)))),
    ping: () => db.ping(),
    ...(db.poolStats ? { poolStats: () => db.poolStats!() } : {}),
    close: () => db.close(),
  };
}

function attributes(sql: string | null): Record<string, string> {
  if (sql === null) return { 'db.system': 'postgresql' };
  const text = sql.replace(/\s+/g, ' ').trim();
  return { 'db.system': 'postgresql', 'db.statement': text.length > STATEMENT_CHARS ? `${text.slice(0, STATEMENT_CHARS)}…` : text };
}

/** The statement's first keyword (SELECT, INSERT, WITH…), as OpenTelemetry names database spans. */
function operation(sql: string): string {
  return /^\s*([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
}
