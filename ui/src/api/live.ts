/**
 * Subscriptions over graphql-ws. The client does not retry by itself: live()
 * re-subscribes each stream with the cursor of the last event it delivered, so a
 * dropped socket resumes exactly where it stopped (the server replays what was
 * missed), and the connection indicator says what is going on meanwhile.
 */
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../generated/graphql.ts';
import { auth, bearer, requireKey } from './auth.ts';
import { GRAPHQL_URL, toApiError } from './http.ts';
import { Store } from './store.ts';

export type Connection = 'connecting' | 'connected' | 'reconnecting';
export const connection = new Store<Connection>('connecting');

let client: Client | null = null;
let clientEpoch = -1;

function wsUrl(): string {
  const u = new URL(GRAPHQL_URL, location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/** One socket per API key: a new key closes the old socket and opens another. */
function currentClient(): Client {
  const epoch = auth.get().epoch;
  if (client && clientEpoch === epoch) return client;
  void client?.dispose();
  clientEpoch = epoch;
  const c = createClient({
    url: wsUrl(),
    lazy: true,
    // views change often; keep the socket across a navigation
    lazyCloseTimeout: 5_000,
    retryAttempts: 0,
    connectionParams: () => {
      const a = bearer();
      return a ? { authorization: a } : {};
    },
    on: {
      connected: () => c === client && connection.set('connected'),
      closed: (e) => {
        if (c !== client) return;
        const close = e as { code?: number; reason?: string };
        // the server refuses a missing or revoked key by closing with 4403 (forbidden) or 4401
        if (close.code === 4401 || close.code === 4403) requireKey(close.reason || 'an API key is required');
        if (active > 0) connection.set('reconnecting');
      },
    },
  });
  client = c;
  return c;
}

let active = 0;

export interface LiveOptions<R> {
  /** Resume after this cursor; null starts from now. */
  after?: string | null;
  onData(data: R): void;
  /** The stream cursor carried by a result, remembered for the next re-subscribe. */
  cursor(data: R): string | null;
  /** Called after a re-subscribe; `resumed` is false when there was no cursor, so the view must reload. */
  onRestart?(resumed: boolean): void;
}

export function live<R, V>(doc: TypedDocumentString<R, V>, variables: (after: string | null) => V, o: LiveOptions<R>): () => void {
  let after = o.after ?? null;
  let stopped = false;
  let failures = 0;
  let unsubscribe: () => void = () => {};
  let timer: ReturnType<typeof setTimeout> | null = null;
  active++;

  const retry = () => {
    if (stopped) return;
    unsubscribe = () => {};
    connection.set('reconnecting');
    const delay = Math.min(250 * 2 ** failures, 5_000);
    failures++;
    timer = setTimeout(() => {
      timer = null;
      start();
      o.onRestart?.(after !== null);
    }, delay);
  };

  const start = () => {
    if (stopped || auth.get().needed) return;
    const epoch = auth.get().epoch;
    unsubscribe = currentClient().subscribe<R>(
      { query: doc.toString(), variables: variables(after) as Record<string, unknown> },
      {
        next: (r) => {
          const err = r.errors?.[0] as { message: string; extensions?: { code?: string; cursor?: string } } | undefined;
          if (err) {
            // a slow reader is cut off with the cursor to resume from
            if (err.extensions?.cursor) after = err.extensions.cursor;
            if (toApiError(err, epoch).code === 'UNAUTHENTICATED') stopped = true;
            return;
          }
          if (!r.data) return;
          failures = 0;
          connection.set('connected');
          after = o.cursor(r.data as R) ?? after;
          o.onData(r.data as R);
        },
        error: (e) => {
          const first = Array.isArray(e) ? (e[0] as { message: string; extensions?: { code?: string } } | undefined) : undefined;
          if (first && toApiError(first, epoch).code === 'UNAUTHENTICATED') return;
          retry();
        },
        // the server ends streams when it shuts down: resume on the next instance
        complete: () => retry(),
      },
    );
  };

  start();
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    stopped = true;
    active--;
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
}
