/**
 * Queries and mutations over HTTP with the generated typed documents. A coded
 * server error becomes an ApiError; UNAUTHENTICATED also opens the key prompt.
 */
import type { TypedDocumentString } from '../generated/graphql.ts';
import { auth as keys, bearer, requireKey } from './auth.ts';

export const GRAPHQL_URL = '/graphql';

export class ApiError extends Error {
  readonly code: string;
  /** The error's extensions: the details a code carries (status, resolvedBy, retryAfterSeconds...). */
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export async function request<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const epoch = keys.get().epoch;
  const auth = bearer();
  let res: Response;
  try {
    res = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(auth ? { authorization: auth } : {}),
      },
      body: JSON.stringify({ query: doc.toString(), variables }),
    });
  } catch (err) {
    throw new ApiError('NETWORK', `cannot reach the server: ${(err as Error).message}`);
  }
  let body: { data?: R | null; errors?: GraphQLErrorBody[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError('NETWORK', `the server answered ${res.status} without a GraphQL body`);
  }
  const first = body.errors?.[0];
  if (first) throw toApiError(first, epoch);
  if (!body.data) throw new ApiError('NETWORK', `the server answered ${res.status} without data`);
  return body.data;
}

/** `epoch`: the key epoch the request went out under (see requireKey). */
export function toApiError(e: GraphQLErrorBody, epoch?: number): ApiError {
  const code = e.extensions?.code ?? 'INTERNAL';
  if (code === 'UNAUTHENTICATED') requireKey(e.message, epoch);
  return new ApiError(code, e.message, e.extensions ?? {});
}
