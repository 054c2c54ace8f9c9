import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.ts';

export interface RateLimitOptions {
  /** Operations per second each key may sustain (AXME_RATE_LIMIT). 0 turns limiting off. */
  perSecond: number;
  /** How many may come at once after a quiet spell (AXME_RATE_BURST). */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per API key (per instance). Without auth every caller shares the
 * `open` bucket. Over the limit an operation gets RATE_LIMITED with the seconds to wait.
 */
export function useRateLimit(o: RateLimitOptions): Plugin<Context> {
  const buckets = new Map<string, Bucket>();
  const take = (id: string): number => {
    const now = performance.now();
    let b = buckets.get(id);
    if (!b) {
      if (buckets.size > 100_000) buckets.clear();
      buckets.set(id, (b = { tokens: o.burst, at: now }));
    }
    b.tokens = Math.min(o.burst, b.tokens + ((now - b.at) / 1000) * o.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / o.perSecond;
  };
  const limited = (ctx: Context) => {
    if (o.perSecond <= 0) return null;
    const wait = take(ctx.auth.keyId ?? 'open');
    if (wait === 0) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(wait));
    return new GraphQLError(`rate limit of ${o.perSecond}/s exceeded; retry in ${retryAfterSeconds}s`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
    });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const err = limited(args.contextValue);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const err = limited(args.contextValue);
      if (err) setResultAndStopExecution({ errors: [err] });
    },
  };
}
