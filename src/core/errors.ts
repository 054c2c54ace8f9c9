/**
 * The one documented set of error codes. Every GraphQL error a client sees carries
 * one of these in `extensions.code`; anything else is masked as INTERNAL.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'LEASE_LOST',
  'INVALID_TRANSITION',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  // a budget the intent's usage counts against is crossed (core/budget.ts); details say which
  'BUDGET_EXCEEDED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** An error that is safe to show to a client: its message and details are public. */
export class AxmeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AxmeError';
    this.code = code;
    this.details = details;
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AxmeError('BAD_USER_INPUT', message, details);

export const notFound = (what: string, id: string) =>
  new AxmeError('NOT_FOUND', `${what} ${id} not found`, { id });
