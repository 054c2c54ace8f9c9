/**
 * The typed Axme client: every call is a generated typed document (codegen.ts) sent
 * over HTTP; server errors come back as the classes in ./errors.ts.
 */
import * as ops from './generated/graphql.ts';
import type { TypedDocumentString } from './generated/graphql.ts';
import { AxmeClientError, NetworkError, fromGraphQLError } from './errors.ts';

export type Intent = ops.IntentFieldsFragment;
export type IntentEvent = ops.IntentEventsQuery['intentEvents'][number];
export type Lease = NonNullable<ops.ClaimIntentMutation['claimIntent']>;
export type { SubmitIntentInput, IntentFilter, IntentStatus } from './generated/graphql.ts';

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export class AxmeClient {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(o: ClientOptions) {
    this.url = o.url;
    this.apiKey = o.apiKey;
    this.fetchFn = o.fetch ?? fetch;
  }

  /** Sends one typed operation; resolves to its data or throws the mapped error. */
  async request<R, V>(doc: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    let res: Response;
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ query: doc.toString(), variables }),
        signal: signal ?? null,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new NetworkError('NETWORK', `cannot reach ${this.url}: ${(err as Error).message}`);
    }
    let body: { data?: R | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      body = await res.json();
    } catch {
      throw new NetworkError('NETWORK', `${this.url} answered ${res.status} without a GraphQL body`);
    }
    if (body.errors?.length) throw fromGraphQLError(body.errors[0]!);
    if (!body.data) throw new NetworkError('NETWORK', `${this.url} answered ${res.status} without data`);
    return body.data;
  }

  async submit(input: ops.SubmitIntentInput): Promise<Intent> {
    return (await this.request(ops.SubmitIntentDocument, { input })).submitIntent;
  }

  async get(id: string): Promise<Intent | null> {
    return (await this.request(ops.GetIntentDocument, { id })).intent;
  }

  async list(filter: ops.IntentFilter = {}, page: { first?: number; after?: string } = {}) {
    return (await this.request(ops.ListIntentsDocument, { filter, ...page })).intents;
  }

  async events(intentId: string, after = 0): Promise<IntentEvent[]> {
    return (await this.request(ops.IntentEventsDocument, { intentId, after })).intentEvents;
  }

  async cancel(id: string, reason?: string): Promise<Intent> {
    return (await this.request(ops.CancelIntentDocument, { input: { id, reason: reason ?? null } })).cancelIntent;
  }

  async retry(id: string): Promise<Intent> {
    return (await this.request(ops.RetryIntentDocument, { input: { id } })).retryIntent;
  }

  /**
   * Resolves with the intent once it is COMPLETED, FAILED or CANCELLED.
   * Polls until live subscriptions are available to the client.
   */
  async result(id: string, o: { pollMs?: number; signal?: AbortSignal } = {}): Promise<Intent> {
    for (;;) {
      const intent = await this.get(id);
      if (!intent) throw fromGraphQLError({ message: `intent ${id} not found`, extensions: { code: 'NOT_FOUND', id } });
      if (TERMINAL.has(intent.status)) return intent;
      await sleep(o.pollMs ?? 250, o.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export { AxmeClientError };
