/** Errors the client raises, one class per server error code, so callers can `instanceof` them. */

/**
 * The codes the server puts in `extensions.code` (its own list is ERROR_CODES in the
 * server's src/core/errors.ts; test/client.test.ts fails when the two differ).
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LEASE_LOST'
  | 'INVALID_TRANSITION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'BUDGET_EXCEEDED'
  | 'INTERNAL';

export class AxmeClientError extends Error {
  readonly code: ErrorCode | 'NETWORK';
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode | 'NETWORK', message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class BadUserInputError extends AxmeClientError {}
export class NotFoundError extends AxmeClientError {}
/** The intent is finished (details.status says how), or an idempotency key was reused with other input. */
export class ConflictError extends AxmeClientError {}
/** The lease expired or a newer claim superseded it: stop working on the intent. */
export class LeaseLostError extends AxmeClientError {}
export class InvalidTransitionError extends AxmeClientError {}
export class PayloadTooLargeError extends AxmeClientError {}
export class UnauthenticatedError extends AxmeClientError {}
export class ForbiddenError extends AxmeClientError {}
export class RateLimitedError extends AxmeClientError {}
/**
 * A budget the intent's usage counts against is crossed (details: budget, maxUsd, maxTokens,
 * spentUsd, spentTokens, onExceeded): the engine has stopped the intent; stop working on it.
 */
export class BudgetExceededError extends AxmeClientError {}
export class InternalError extends AxmeClientError {}
/** The server could not be reached or answered something that is not GraphQL. */
export class NetworkError extends AxmeClientError {}

const BY_CODE: Record<ErrorCode, new (code: ErrorCode, message: string, details?: Record<string, unknown>) => AxmeClientError> = {
  BAD_USER_INPUT: BadUserInputError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  LEASE_LOST: LeaseLostError,
  INVALID_TRANSITION: InvalidTransitionError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  UNAUTHENTICATED: UnauthenticatedError,
  FORBIDDEN: ForbiddenError,
  RATE_LIMITED: RateLimitedError,
  BUDGET_EXCEEDED: BudgetExceededError,
  INTERNAL: InternalError,
};

export function fromGraphQLError(e: { message: string; extensions?: Record<string, unknown> }): AxmeClientError {
  const { code, ...details } = e.extensions ?? {};
  const Cls = BY_CODE[code as ErrorCode] ?? InternalError;
  return new Cls((BY_CODE[code as ErrorCode] ? code : 'INTERNAL') as ErrorCode, e.message, details);
}

/** Thrown by a worker handler: fail the intent without retrying. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/** A run called `run.step` twice with one name: a mistake in the handler, so no retry. */
export class DuplicateStepError extends NonRetryableError {
  override name = 'DuplicateStepError';
  readonly code = 'DUPLICATE_STEP';
}

/** Thrown by a worker handler: retry no sooner than `seconds` from now (a rate-limited provider). */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  readonly seconds: number;
  constructor(seconds: number, message = `retry after ${seconds}s`) {
    super(message);
    this.seconds = seconds;
  }
}
