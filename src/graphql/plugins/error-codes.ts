import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, isErrorCode } from '../../core/errors.ts';

/** yoga's own codes for errors that reject a request before it runs: all the client's input. */
const INPUT_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * Errors raised before execution (parse, validation) skip maskError; this puts
 * them on the documented code set too, so clients switch on one list.
 */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map(recode));
      } else if (result && !(Symbol.asyncIterator in result)) {
        setResult(recode(result as { errors?: readonly GraphQLError[] }));
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
