import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { operationCost } from '../cost.ts';

export interface QueryCostOptions {
  /** The most one HTTP request may cost, its batched operations together (AXME_MAX_COST). Default 10,000. */
  maxCost?: number;
}

/**
 * Refuses an operation whose cost (graphql/cost.ts: objects it may return, from the
 * arguments actually sent) would take its request over `maxCost`, before it runs.
 * The operations of a batched request add up: ten operations of 2,000 are refused
 * like one of 20,000 (from the one that crosses the limit). A subscription's cost
 * is that of one event. The refusal is BAD_USER_INPUT with reason COST_LIMIT, the
 * cost and the limit.
 */
export function useQueryCost(o: QueryCostOptions = {}): Plugin {
  const maxCost = o.maxCost ?? 10_000;
  // by the request object, which every operation of a batch shares (over graphql-ws, one per operation)
  const spent = new WeakMap<object, number>();
  const check = ({ args, setResultAndStopExecution }: {
    args: { schema: Parameters<typeof operationCost>[0]; document: Parameters<typeof operationCost>[1]; operationName?: string | null | undefined; variableValues?: unknown; contextValue: unknown };
    setResultAndStopExecution: (r: { errors: GraphQLError[] }) => void;
  }) => {
    const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues);
    const request = (args.contextValue as { request?: object }).request ?? (args.contextValue as object);
    const before = spent.get(request) ?? 0;
    if (before + cost <= maxCost) {
      spent.set(request, before + cost);
      return;
    }
    const batched = before > 0 ? ` (with the operations before it in this request, ${before + cost})` : '';
    setResultAndStopExecution({
      errors: [new GraphQLError(`the operation costs ${cost}${batched}; the limit is ${maxCost} (AXME_MAX_COST): ask for smaller pages (first, limit) or fewer nested lists`, {
        extensions: { code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', cost: before + cost, limit: maxCost, ...(before > 0 ? { operationCost: cost } : {}) },
      })],
    });
  };
  return { onExecute: check, onSubscribe: check };
}
