import { GraphQLError } from 'graphql';
import { AxmeError, isErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';

/**
 * yoga's maskError: every error leaves with an `extensions.code` from the
 * documented set. AxmeErrors keep their message and details; GraphQL's own
 * errors (syntax, validation, variable coercion) are the client's input, so
 * BAD_USER_INPUT; anything else is logged and shown only as INTERNAL.
 */
export function createMaskError(log: Logger) {
  return (error: unknown): Error => {
    const gql = error instanceof GraphQLError ? error : null;
    const original = gql?.originalError ?? (gql ? null : error);
    if (original instanceof AxmeError) {
      return new GraphQLError(original.message, {
        nodes: gql?.nodes,
        path: gql?.path,
        extensions: { code: original.code, ...original.details },
      });
    }
    if (original instanceof GraphQLError && isErrorCode(original.extensions?.code)) {
      return new GraphQLError(original.message, { nodes: gql?.nodes, path: gql?.path, extensions: original.extensions });
    }
    if (gql && (!original || original instanceof GraphQLError || isBadInputFromGraphQL(original))) {
      const code = gql.extensions?.code;
      if (isErrorCode(code)) return gql;
      // the outer message, which names the variable and the path to the bad value
      return new GraphQLError(gql.message, {
        nodes: gql.nodes,
        path: gql.path,
        extensions: { ...withoutStack(gql.extensions), code: 'BAD_USER_INPUT' },
      });
    }
    log.error({ err: original ?? error, path: gql?.path }, 'unexpected error');
    return new GraphQLError('Unexpected error.', { nodes: gql?.nodes, path: gql?.path, extensions: { code: 'INTERNAL' } });
  };
}

/**
 * Whether an error is a refusal of the client's request (a documented code other than
 * INTERNAL, or graphql's own syntax, validation and coercion errors) rather than a
 * fault of the server: the masking above, told as a yes or no, so that loggers can
 * keep client mistakes out of the error log.
 */
export function isRefusal(error: unknown): boolean {
  const gql = error instanceof GraphQLError ? error : null;
  const original = gql?.originalError ?? (gql ? null : error);
  if (original instanceof AxmeError) return original.code !== 'INTERNAL';
  if (original instanceof GraphQLError) return isRefusal(original);
  const code = gql?.extensions?.code;
  if (isErrorCode(code)) return code !== 'INTERNAL';
  return gql !== null && (!original || isBadInputFromGraphQL(original));
}

/** Scalar parsing (DateTime, JSON) throws TypeErrors on bad literals; they are input errors too. */
function isBadInputFromGraphQL(err: unknown): boolean {
  return err instanceof TypeError && /^(DateTime|JSON|Value is not|Expected)/.test(err.message);
}

function withoutStack(ext: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!ext) return {};
  const { stack: _s, exception: _e, originalError: _o, ...rest } = ext as Record<string, unknown>;
  return rest;
}
