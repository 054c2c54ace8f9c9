import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { Context } from '../context.ts';

/**
 * Each operation (and each subscription started) takes a token from the key's bucket
 * (auth/rate-limit.ts, shared with /mcp). Over the limit an operation gets RATE_LIMITED
 * with the seconds to wait.
 */
export function useRateLimit(limiter: RateLimiter): Plugin<Context> {
  const limited = (ctx: Context) => {
    const err = limiter.take(ctx.auth.keyId);
    return err && new GraphQLError(err.message, { extensions: { code: err.code, ...err.details } });
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
