/**
 * A budget of database work per request, counted where every statement passes.
 * The static cost (graphql/cost.ts) bounds what an operation may ask for; this
 * bounds what it actually does, data and all: the statements it runs and the rows
 * they return. A request over either is refused (BAD_USER_INPUT, reason DB_BUDGET)
 * at the next statement, instead of running on for seconds and gigabytes. It also
 * takes at most `concurrency` pool connections at a time, so one request's hundreds
 * of statements queue behind each other rather than in front of other tenants'.
 *
 * The budget follows the request's async context, so the service and store need no
 * parameter for it. A mutation's own writes run outside it (outsideBudget): they are
 * bounded by their input and must run to the end; what its selection reads counts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type GraphQLObjectType, defaultFieldResolver } from 'graphql';
import { AxmeError } from '../core/errors.ts';
import type { Db, Queryable, QueryResult } from './types.ts';

export interface BudgetLimits {
  /** Statements one request may run (AXME_MAX_REQUEST_STATEMENTS). */
  statements: number;
  /** Rows its statements may return in all (AXME_MAX_REQUEST_ROWS). */
  rows: number;
  /** Statements it may have running (or waiting for a connection) at once. */
  concurrency: number;
}

export class RequestBudget {
  statements = 0;
  rows = 0;
  /** Set once the budget is spent: every later statement of the request gets the same error. */
  exceeded: AxmeError | null = null;
  readonly limits: BudgetLimits;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limits: BudgetLimits) {
    this.limits = limits;
  }

  /** Before a statement runs: refuses it once the request has run its share. */
  charge(): void {
    if (this.exceeded) throw this.exceeded;
    if (this.statements >= this.limits.statements) {
      throw this.refuse(`this request ran ${this.limits.statements} database statements, its limit (AXME_MAX_REQUEST_STATEMENTS); ask for smaller pages or fewer nested lists`, {
        statements: this.statements + 1, limit: this.limits.statements,
      });
    }
    this.statements++;
  }

  /** After it returned: refuses the rows that take the request over its share. */
  count(rows: number): void {
    this.rows += rows;
    if (this.rows > this.limits.rows) {
      throw this.refuse(`this request read more than ${this.limits.rows} rows, its limit (AXME_MAX_REQUEST_ROWS); ask for smaller pages or fewer nested lists`, {
        rows: this.rows, limit: this.limits.rows,
      });
    }
  }

  async acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return;
    }
    // the releaser hands its slot straight over, so `running` stays as it is
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private refuse(message: string, details: Record<string, unknown>): AxmeError {
    this.exceeded = new AxmeError('BAD_USER_INPUT', message, { reason: 'DB_BUDGET', ...details });
    return this.exceeded;
  }
}

const current = new AsyncLocalStorage<RequestBudget | undefined>();

/** Runs `fn` with its statements counted against `budget`. */
export const withBudget = <T>(budget: RequestBudget, fn: () => T): T => current.run(budget, fn);

/** Runs `fn` uncounted. */
export const outsideBudget = <T>(fn: () => T): T => current.run(undefined, fn);

/**
 * A mutation's own work is bounded by its input and must not stop halfway, so each
 * root field of `type` resolves outside the budget; the fields below it (what the
 * client asked to read back) resolve in the request's context and count.
 */
export function resolveOutsideBudget(type: GraphQLObjectType | null | undefined): void {
  for (const field of Object.values(type?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => outsideBudget(() => resolve(source, args, context, info));
  }
}

/**
 * Counts every statement run inside a request's budget; outside one (the sweeper,
 * start-up, a mutation's writes) it adds one context lookup. Only top-level
 * statements take a connection slot: those inside a transaction use its connection.
 */
export function budgetDb(db: Db): Db {
  const counted = (q: Queryable, slot: boolean): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const budget = current.getStore();
      if (!budget) return q.query<R>(sql, params);
      budget.charge();
      if (slot) await budget.acquire();
      try {
        const result = await q.query<R>(sql, params);
        budget.count(result.rows.length);
        return result;
      } finally {
        if (slot) budget.release();
      }
    },
    exec: (sql) => q.exec(sql),
  });
  return {
    kind: db.kind,
    ...counted(db, true),
    transaction: (fn) => db.transaction((tx) => fn(counted(tx, false))),
    ping: () => db.ping(),
    ...(db.poolStats ? { poolStats: () => db.poolStats!() } : {}),
    close: () => db.close(),
  };
}
