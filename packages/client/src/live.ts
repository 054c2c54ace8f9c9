/**
 * Subscriptions for the client: graphql-ws first, SSE (yoga serves it on the same
 * URL) when WebSockets cannot connect, and reconnects that resume from where the
 * caller says (a cursor for events; intentChanged restarts with the current state).
 */
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws/client';
import { AxmeClientError, NetworkError, fromGraphQLError } from './errors.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

export type Transport = 'auto' | 'ws' | 'sse';

export interface LiveOptions {
  url: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** A WebSocket class; default: the global WebSocket (Node 22+, browsers). */
  webSocketImpl?: unknown;
  /** The client's one graphql-ws connection for all its subscriptions; without it each subscription opens its own. */
  socket?: SharedSocket;
}

/** Subscriptions one socket carries (the server's AXME_MAX_SUBSCRIPTIONS is 100 by default). */
export const MAX_PER_SOCKET = 50;

/** One graphql-ws connection of a SharedSocket and the subscriptions on it. */
export interface SocketLease {
  client: WsClient;
  /** Calls `listener` once the socket is acknowledged: now when it already is, else at its next connection. */
  onConnected(listener: () => void): () => void;
  /** The server refused a subscription for their number: new ones go on another socket. */
  refused(): void;
  release(): void;
}

/** A WebSocket of a connection attempt, as far as this needs it. */
interface Attempt {
  readyState: number;
  close(): void;
}

/** `impl`, recording each socket it makes in `attempts` until that socket closes. */
function tracked(impl: unknown, attempts: Set<Attempt>): unknown {
  const Base = impl as new (...a: unknown[]) => Attempt & { addEventListener(t: 'close', fn: () => void): void };
  return class extends Base {
    constructor(...a: unknown[]) {
      super(...a);
      attempts.add(this);
      this.addEventListener('close', () => attempts.delete(this));
    }
  };
}

/** Closes the entry's sockets that are still connecting: the attempt fails at once, and graphql-ws gives it up. */
function abandonAttempts(entry: Entry): void {
  for (const socket of entry.attempts) if (socket.readyState === CONNECTING) socket.close();
}

interface Entry {
  client: WsClient;
  attempts: Set<Attempt>;
  open: boolean;
  /** The WebSocket of its current connection, once acknowledged. */
  socket: { readyState: number } | null;
  active: number;
  full: boolean;
}

/** WebSocket.CONNECTING and OPEN */
const CONNECTING = 0;
const OPEN = 1;
/** How long an operation waits for a connection before it goes another way (graphql-ws bounds only the ack). */
const CONNECT_WAIT_MS = 5_000;

/**
 * The graphql-ws connections shared by every subscription of a client (result(),
 * watch(), changes(), stream()): one, opened by the first, closed `idleMs` after the
 * last ends, opened again by the next; another past MAX_PER_SOCKET subscriptions or
 * when the server refuses more on it. A run's result() then costs a subscribe message
 * instead of a TCP connect, an upgrade and a connection_init each time.
 */
export class SharedSocket {
  private readonly o: Omit<LiveOptions, 'socket'>;
  private readonly idleMs: number;
  private readonly held: boolean;
  private entries: Entry[] = [];

  /**
   * `idleMs`: how long a connection stays open after its last operation ends. `held`: its
   * connections stay open until close() (a running worker's, for its writes: a step
   * that runs for seconds finds the socket still there), and reconnect when the next
   * operation comes after one was lost.
   */
  constructor(o: Omit<LiveOptions, 'socket'>, idleMs: number, held = false) {
    this.o = o;
    this.idleMs = idleMs;
    this.held = held;
  }

  /** A connection with room for one more subscription; `release()` when it ends. */
  lease(): SocketLease {
    return this.leaseOf(this.withRoom());
  }

  /** A connection with room for one more operation: an open one's, else a new one. */
  private withRoom(): Entry {
    return this.entries.find((e) => !e.full && e.active < MAX_PER_SOCKET) ?? this.add();
  }

  private leaseOf(entry: Entry): SocketLease {
    entry.active++;
    let released = false;
    return {
      client: entry.client,
      onConnected: (listener) => {
        if (entry.open) {
          listener();
          return () => {};
        }
        const off = entry.client.on('connected', () => {
          off();
          listener();
        });
        return off;
      },
      refused: () => void (entry.full = true),
      release: () => {
        if (released) return;
        released = true;
        // a socket the server refused more on takes new ones again once it carries none
        if (--entry.active === 0) entry.full = false;
      },
    };
  }

  private add(): Entry {
    const attempts = new Set<Attempt>();
    const client = createWsClient({
      url: this.o.url.replace(/^http/, 'ws'),
      webSocketImpl: tracked(this.o.webSocketImpl ?? defaultWebSocket(), attempts),
      connectionParams: this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {},
      // not lazy: graphql-ws holds the connection until dispose() (no idle timer left behind),
      // and after a loss the next operation connects again
      lazy: !this.held,
      onNonLazyError: () => {},
      lazyCloseTimeout: this.idleMs,
      // a lost socket fails every subscription on it; each one's live() loop resumes from its own cursor
      retryAttempts: 0,
      // a proxy that swallows the upgrade must not stall the watch: fall back instead
      connectionAckWaitTimeout: 10_000,
    });
    const entry: Entry = { client, attempts, open: false, socket: null, active: 0, full: false };
    client.on('connected', (socket) => {
      entry.open = true;
      entry.socket = socket as { readyState: number };
    });
    client.on('closed', () => {
      entry.open = false;
      entry.socket = null;
      // a new connection has room again; an idle extra one is let go
      entry.full = false;
      if (entry.active === 0 && this.entries.length > 1) {
        this.entries = this.entries.filter((e) => e !== entry);
        void Promise.resolve(client.dispose()).catch(() => {});
      }
    });
    this.entries.push(entry);
    return entry;
  }

  /**
   * One query or mutation over a shared connection, answered by its one result. Rejects
   * with SocketUnavailable when it never left (no connection within CONNECT_WAIT_MS or the
   * signal's deadline, or the server refused it for the number of operations on the
   * socket): the caller may send it another way. Rejects with the mapped error of an
   * `error` message, and with a NetworkError when the connection it left on closed first:
   * it is never sent again (graphql-ws would resend it on a new connection after a close
   * with code 1000).
   */
  async execute<R>(query: string, variables: unknown, signal: AbortSignal): Promise<Result<R>> {
    signal.throwIfAborted();
    let lease: SocketLease;
    let entry: Entry;
    try {
      entry = this.withRoom();
      lease = this.leaseOf(entry);
    } catch (err) {
      throw new SocketUnavailable((err as Error).message, { connectFailed: true });
    }
    // the connection the operation left on: graphql-ws sends it as soon as one is acknowledged
    let sentOn: unknown = entry.socket?.readyState === OPEN ? entry.socket : null;
    const cleanups: (() => void)[] = [];
    let unsubscribe = () => {};
    try {
      return await new Promise<Result<R>>((resolve, reject) => {
        const unsent = (why: string, connectFailed: boolean) => {
          unsubscribe();
          reject(new SocketUnavailable(why, { connectFailed }));
        };
        let result: Result<R> | undefined;
        cleanups.push(lease.client.on('connected', (socket) => void (sentOn ??= socket)));
        cleanups.push(lease.client.on('closed', (event) => {
          // the old connection of a socket that was closing when this began: graphql-ws connects again
          if (sentOn === null) return;
          // at once, in the event: graphql-ws' retry then finds the operation done and sends nothing
          unsubscribe();
          // its result came before the close: only the `complete` behind it was lost
          if (result) return resolve(result);
          reject(new NetworkError('NETWORK', `the connection to ${this.o.url} closed before the answer: ${describe(event)}`));
        }));
        unsubscribe = lease.client.subscribe<R>({ query, variables: variables as Record<string, unknown> }, {
          next: (r) => (result = r as Result<R>),
          error: (err) => {
            if (Array.isArray(err) && err.length) {
              const first = err[0] as GqlError;
              // refused before it ran, for the number of operations on this socket
              if (first.extensions?.reason === 'TOO_MANY_SUBSCRIPTIONS') {
                lease.refused();
                return reject(new SocketUnavailable(first.message, { connectFailed: false }));
              }
              return reject(fromGraphQLError(first));
            }
            const code = (err as { code?: unknown } | null)?.code;
            if (code === 4403 || code === 4401) {
              return reject(fromGraphQLError({ message: 'the server refused the connection: a valid API key is required', extensions: { code: 'UNAUTHENTICATED' } }));
            }
            if (sentOn === null) return unsent(describe(err), true);
            reject(new NetworkError('NETWORK', `the connection to ${this.o.url} failed before the answer: ${describe(err)}`));
          },
          complete: () => (result ? resolve(result) : reject(new NetworkError('NETWORK', `${this.o.url} completed the operation without a result`))),
        });
        const late = setTimeout(() => {
          if (sentOn !== null) return;
          unsent(`no connection to ${this.o.url} within ${CONNECT_WAIT_MS} ms`, true);
          // an upgrade a proxy swallowed would hold the next operations too
          abandonAttempts(entry);
        }, CONNECT_WAIT_MS);
        cleanups.push(() => clearTimeout(late));
        const abort = () => (sentOn === null ? unsent(`no connection to ${this.o.url} in time`, true) : reject(signal.reason));
        if (signal.aborted) abort();
        else {
          signal.addEventListener('abort', abort, { once: true });
          cleanups.push(() => signal.removeEventListener('abort', abort));
        }
      });
    } finally {
      for (const c of cleanups) c();
      // ends the operation on the server too when it is still running (an abort, a timeout)
      unsubscribe();
      lease.release();
    }
  }

  /** Closes the sockets now (subscriptions still on them fail and resume on a new one). */
  async close(): Promise<void> {
    const entries = this.entries;
    this.entries = [];
    // an upgrade still in progress is given up (graphql-ws' dispose waits for it, however long)
    for (const e of entries) abandonAttempts(e);
    await Promise.allSettled(entries.map((e) => e.client.dispose()));
  }
}

export interface SubscribeOptions {
  signal?: AbortSignal;
  /** Default 'auto': graphql-ws, switching to SSE when the socket cannot connect. */
  transport?: Transport;
  /** Give up (NetworkError) after this many connection failures in a row. Default: never. */
  maxConnectFailures?: number;
}

type GqlError = { message: string; extensions?: Record<string, unknown> };
export type Result<R> = { data?: R | null; errors?: readonly GqlError[] };

/** Tells the resuming loop where to pick up after a disconnect. */
export interface Resume<V> {
  variables(): V;
  /** A coded error from the stream; return true when resuming handles it (e.g. RATE_LIMITED with a cursor). */
  onError?(err: AxmeClientError): boolean;
}

class ConnectFailed extends Error {}

/** An operation was never sent over a socket; `connectFailed`: because no connection could be opened. */
export class SocketUnavailable extends Error {
  readonly connectFailed: boolean;
  constructor(message: string, o: { connectFailed: boolean }) {
    super(message);
    this.connectFailed = o.connectFailed;
  }
}

// a slow consumer dropped, or an instance shutting down: subscribe again
const transient = (e: AxmeClientError) => e.code === 'RATE_LIMITED' || (e.code === 'CONFLICT' && e.details.reason === 'SHUTTING_DOWN');

/**
 * Every result of a subscription, across reconnects, until the caller stops or the
 * signal aborts. Coded errors the resume cannot handle are thrown as client errors.
 */
export async function* live<R, V>(o: LiveOptions, doc: TypedDocumentString<R, V>, resume: Resume<V>, so: SubscribeOptions = {}): AsyncGenerator<R> {
  let transport: 'ws' | 'sse' = so.transport === 'sse' ? 'sse' : 'ws';
  const worked = { ws: false, sse: false };
  let failures = 0;
  // refusals to subscribe in a row (RATE_LIMITED, SHUTTING_DOWN): each waits longer, as failures do
  let refusals = 0;
  while (!so.signal?.aborted) {
    let connected = false;
    const onConnected = () => {
      connected = true;
      worked[transport] = true;
      failures = 0;
    };
    try {
      const attempt = transport === 'ws' ? wsAttempt<R>(o, doc.toString(), resume.variables(), onConnected, so.signal) : sseAttempt<R>(o, doc.toString(), resume.variables(), onConnected, so.signal);
      for await (const r of attempt) {
        if (r.errors?.length) {
          const err = fromGraphQLError(r.errors[0]!);
          if (resume.onError?.(err)) break;
          if (transient(err)) throw new ConnectFailed(err.message);
          throw err;
        }
        if (r.data) {
          refusals = 0;
          yield r.data;
        }
      }
      // the server completed the stream (a drain at shutdown): subscribe again
    } catch (err) {
      if (so.signal?.aborted) return;
      // an `error` message: a refusal to subscribe (a socket holding as many as the server
      // allows, an instance shutting down) resumes like a dropped socket, anything else is thrown
      if (err instanceof AxmeClientError && !(err instanceof NetworkError)) {
        if (!resume.onError?.(err) && !transient(err)) throw err;
        refusals++;
      }
      if (!connected) {
        failures++;
        if (so.maxConnectFailures !== undefined && failures >= so.maxConnectFailures) {
          throw new NetworkError('NETWORK', `cannot subscribe at ${o.url}: ${describe(err)}`);
        }
        // a transport that never connected may be blocked on the way (proxies and WebSockets)
        if (so.transport === undefined || so.transport === 'auto') {
          if (!worked[transport]) transport = transport === 'ws' ? 'sse' : 'ws';
        }
      }
    }
    await pause(Math.min(100 * 2 ** Math.max(failures, refusals - 1), 5000), so.signal);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const e = err as { code?: number; reason?: string; type?: string };
  if (e && typeof e === 'object' && 'code' in e) return `socket closed ${e.code}${e.reason ? ` ${e.reason}` : ''}`;
  // a WebSocket `error` event says nothing more
  if (e && typeof e === 'object' && typeof e.type === 'string') return `socket ${e.type}`;
  return String(err);
}

/** Node 22+, Deno, Bun and browsers have a global WebSocket; elsewhere pass `webSocketImpl` (e.g. the `ws` package). */
function defaultWebSocket(): unknown {
  const impl = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (!impl) throw new NetworkError('NETWORK', 'this runtime has no global WebSocket: pass webSocketImpl (e.g. `import WebSocket from "ws"`) or transport: "sse"');
  return impl;
}

async function* wsAttempt<R>(o: LiveOptions, query: string, variables: unknown, connected: () => void, signal?: AbortSignal): AsyncGenerator<Result<R>> {
  const socket = o.socket ?? new SharedSocket(o, 0);
  const lease = socket.lease();
  const client = lease.client;
  const received: Result<R>[] = [];
  let ended = false;
  let failed = false;
  let failure: unknown;
  let wake = () => {};
  const offConnected = lease.onConnected(connected);
  // subscribe (not iterate): unsubscribing ends only this operation, the socket stays for the others
  const unsubscribe = client.subscribe<R>({ query, variables: variables as Record<string, unknown> }, {
    next: (r) => (received.push(r as Result<R>), wake()),
    error: (err) => ((failed = ended = true), (failure = err), wake()),
    complete: () => ((ended = true), wake()),
  });
  const stop = () => ((ended = true), wake());
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      while (received.length && !signal?.aborted) yield received.shift()!;
      if (failed) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (err) {
    // graphql-ws throws an `error` message's GraphQL errors as an array
    if (Array.isArray(err) && err.length) {
      const first = err[0] as GqlError;
      // this socket holds as many as the server allows: the resubscription goes on another
      if (first.extensions?.reason === 'TOO_MANY_SUBSCRIPTIONS') lease.refused();
      throw fromGraphQLError(first);
    }
    // the server checks the key at connection_init and closes with 4403 (or 4401) when it is bad
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 4403 || code === 4401) {
      throw fromGraphQLError({ message: 'the server refused the connection: a valid API key is required', extensions: { code: 'UNAUTHENTICATED' } });
    }
    throw err;
  } finally {
    signal?.removeEventListener('abort', stop);
    offConnected();
    unsubscribe();
    lease.release();
    if (!o.socket) await socket.close();
  }
}

async function* sseAttempt<R>(o: LiveOptions, query: string, variables: unknown, connected: () => void, signal?: AbortSignal): AsyncGenerator<Result<R>> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const res = await o.fetch(o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: ac.signal,
    });
    if (!res.headers.get('content-type')?.includes('text/event-stream') || !res.body) {
      const body = (await res.json().catch(() => null)) as Result<R> | null;
      if (body?.errors?.length) throw fromGraphQLError(body.errors[0]!);
      throw new ConnectFailed(`${o.url} answered ${res.status} without an event stream`);
    }
    connected();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'complete') return;
        if (event === 'next' && data.length) yield JSON.parse(data.join('\n')) as Result<R>;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    ac.abort();
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
