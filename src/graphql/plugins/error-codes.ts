import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, isErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';

/** yoga's own codes for errors that reject a request before it runs: all the client's input. */
const INPUT_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND']);

export interface ErrorCodesOptions {
  /** Where refused requests are logged, at debug level: the client's mistakes, never the server's errors. Default: not logged. */
  log?: Logger;
}

/**
 * Errors raised before execution (parse, validation) skip maskError; this puts
 * them on the documented code set too, so clients switch on one list. Every
 * answer passes here, so it is also where refusals are logged.
 */
export function useErrorCodes(o: ErrorCodesOptions = {}): Plugin {
  const logRefusals = (r: { errors?: readonly GraphQLError[] }) => {
    const refused = r.errors?.filter((e) => e.extensions?.code !== 'INTERNAL') ?? [];
    if (refused.length && o.log?.isLevelEnabled('debug')) {
      o.log.debug({ errors: refused.slice(0, 10).map((e) => ({ code: e.extensions?.code, field: e.extensions?.field, path: e.path, message: e.message.slice(0, 300) })) }, 'request refused');
    }
  };
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        const recoded = result.map(recode);
        recoded.forEach(logRefusals);
        setResult(recoded);
      } else if (result && !(Symbol.asyncIterator in result)) {
        const recoded = recode(result as { errors?: readonly GraphQLError[] });
        logRefusals(recoded);
        setResult(recoded);
      }
    },
  };
}

/** The documented code a client is shown for an error carrying `code`. */
export function publicCode(code: unknown): ErrorCode {
  if (isErrorCode(code)) return code;
  return INPUT_CODES.has(String(code)) ? 'BAD_USER_INPUT' : 'INTERNAL';
}

function recode<T extends { errors?: readonly GraphQLError[] }>(result: T): T {
  if (!result.errors?.some((e) => !isErrorCode(e.extensions?.code))) return result;
  const errors = result.errors.map((e) => {
    const code = e.extensions?.code;
    if (isErrorCode(code)) return e;
    const next = publicCode(code);
    return new GraphQLError(e.message, {
      nodes: e.nodes,
      source: e.source,
      positions: e.positions,
      path: e.path,
      extensions: { ...e.extensions, code: next },
    });
  });
  return { ...result, errors };
}
