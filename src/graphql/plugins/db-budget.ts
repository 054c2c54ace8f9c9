import { type ExecutionResult, type GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type BudgetLimits, RequestBudget, withBudget } from '../../db/budget.ts';

export interface DbBudgetOptions {
  /** Statements one HTTP request may run, its batched operations together (AXME_MAX_REQUEST_STATEMENTS). Default 1,000. */
  statements?: number;
  /** Rows those statements may return in all (AXME_MAX_REQUEST_ROWS). Default 50,000. */
  rows?: number;
  /** Statements a request may have running or waiting for a pool connection at once. Default 4. */
  concurrency?: number;
}

/**
 * Runs each query and mutation inside a per-request database budget (db/budget.ts;
 * the database must be wrapped with budgetDb). Once it is spent, every later statement
 * is refused with one BAD_USER_INPUT (reason DB_BUDGET) and the answer carries that
 * error once: a query's partial data is dropped, a mutation's is kept (its writes
 * happened). Subscriptions are not budgeted: each event runs apart from the request.
 */
export function useDbBudget(o: DbBudgetOptions = {}): Plugin {
  const limits: BudgetLimits = { statements: o.statements ?? 1_000, rows: o.rows ?? 50_000, concurrency: o.concurrency ?? 4 };
  // the operations of a batched request share one budget, by the request object they share
  const budgets = new WeakMap<object, RequestBudget>();
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request?: object }).request ?? (args.contextValue as object);
      let budget = budgets.get(request);
      if (!budget) budgets.set(request, (budget = new RequestBudget(limits)));
      const b = budget;
      setExecuteFn((a) => withBudget(b, () => executeFn(a)));
      return {
        onExecuteDone({ result, setResult }) {
          if (!b.exceeded || Symbol.asyncIterator in (result as object)) return;
          const r = result as ExecutionResult;
          const isRefusal = (e: GraphQLError) => e.originalError === b.exceeded;
          const refused = r.errors?.find(isRefusal);
          if (!refused) return;
          const errors = [refused, ...(r.errors ?? []).filter((e) => !isRefusal(e))];
          const mutation = getOperationAST(args.document, args.operationName)?.operation === 'mutation';
          setResult(mutation ? { data: r.data, errors } : { errors });
        },
      };
    },
  };
}
