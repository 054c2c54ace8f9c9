import type { Server } from 'node:http';
import { type ExecutionResult, type FormattedExecutionResult, GraphQLError, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { authenticate, authorizationFromParams } from '../auth/authenticate.ts';
import type { ApiKeys } from '../auth/keys.ts';
import type { Revocations } from '../auth/revocations.ts';
import { isErrorCode } from '../core/errors.ts';
import { type CrossSiteOptions, crossSiteCheck } from './plugins/cross-site.ts';
import { countCutOff } from '../telemetry/metrics.ts';
import { type Admission, ConnectionBudget, type ProcessBudget } from './delivery-budget.ts';
import { jsonBytesAtLeast } from './json-size.ts';
import { replaceOversize, withinLimit } from './oversize.ts';
import type { AxmeYoga } from './yoga.ts';
import { sourceEventOf } from './plugins/shared-events.ts';
import { DROPPED, sendCheaply, serialise, serialisedBefore, standIn } from './ws-send.ts';
import { isRunningOperation, operationEnded, operationStarted, socketAbort, watchCompletes } from './ws-abort.ts';

export interface WsEndpoint {
  /** Closes every socket with 1001 (going away) and stops accepting; clients reconnect elsewhere and resume from their cursors. */
  close(): Promise<void>;
}

type Enveloped = ReturnType<AxmeYoga['getEnveloped']>;

/**
 * graphql-ws on the same path as HTTP, run through yoga's envelop so that
 * context, error masking and codes are the same as over HTTP and SSE (yoga's
 * documented recipe). Keep-alive: a ping every 12 s, and a socket that misses
 * the pong is closed.
 */
export interface WsOptions {
  keys: ApiKeys;
  authRequired: boolean;
  /** Open subscriptions one socket may hold (AXME_MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
  /** The process's budget of unsent result bytes, shared with SSE (AXME_SUBSCRIPTION_PROCESS_BYTES). */
  budget: ProcessBudget;
  /** Unsent result bytes one socket may hold (AXME_SUBSCRIPTION_CONNECTION_BYTES). */
  connectionBytes: number;
  /** Largest result of one subscription event (AXME_SUBSCRIPTION_MAX_EVENT_BYTES). */
  maxEventBytes: number;
  /** Closes a socket with 4403 once its key is revoked, here or on another instance. */
  revocations: Revocations;
  keepAliveMs?: number;
  /** The Host and Origin rules of HTTP (plugins/cross-site.ts): a browser opens a WebSocket to any site without CORS. */
  crossSite: CrossSiteOptions;
}

/** graphql-ws' close code for a refused key (its Forbidden), and ours for a revoked one. */
export const CLOSE_FORBIDDEN = 4403;
/** A socket that would hold more unsent bytes than AXME_SUBSCRIPTION_CONNECTION_BYTES (graphql-ws' clients do not retry it). */
export const CLOSE_RATE_LIMITED = 4429;
/**
 * A socket closed for holding too much gets this long to read what it holds and the
 * close frame behind it; then it is cut, so a client that stopped reading cannot keep
 * its bytes (and the process's budget) for ws' own 30 s close timeout.
 */
const CLOSE_GRACE_MS = 5_000;
/** A query's result goes out with its complete (ws-send.ts) only while its socket holds at most this much unsent. */
const SINGLE_WRITE_HELD_BYTES = 64 * 1024;

export function attachWebSocket(server: Server, yoga: AxmeYoga, o: WsOptions): WsEndpoint {
  const refusal = crossSiteCheck(o.crossSite);
  const wss = new WebSocketServer({
    server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024,
    // refused with an HTTP status at the handshake, before any graphql-ws message
    verifyClient: ({ req }, done) => {
      const r = refusal({ get: (name) => [req.headers[name] ?? null].flat().join(', ') || null });
      if (r) done(false, r.status, r.message);
      else done(true);
    },
  });
  const budgets = new WeakMap<object, ConnectionBudget>();
  wss.on('connection', (socket, request) => {
    const budget = new ConnectionBudget(o.budget, o.connectionBytes);
    budgets.set(socket, budget);
    socket.once('close', () => budget.close());
    sendCheaply(socket, request.socket, budget);
    watchCompletes(socket);
  });

  /**
   * Admits one result on its socket once its turn comes: replaced when oversize,
   * refused (and the socket closed) when over budget; both are judged by a lower
   * bound first, so what is refused is never serialised.
   */
  const deliver = (socket: WebSocket, result: ExecutionResult, singleResult: boolean) => {
    const budget = budgets.get(socket)!;
    return budget.enter(() => {
      if (socket.readyState !== socket.OPEN) return [DROPPED, 0];
      // a subscription event's result (queries and mutations over the socket have no event limit)
      const event = sourceEventOf(result) !== undefined;
      let out = event ? withinLimit(result, o.maxEventBytes) : result;
      // a shared result's JSON is known (and exact); another's size is bounded before it is made
      if (budget.held > 0 && !serialisedBefore(out) && !budget.fits(jsonBytesAtLeast(out))) return cutOff(socket, budget);
      let s = serialise(out);
      if (event && s.bytes > o.maxEventBytes) {
        out = replaceOversize(out, s.bytes, o.maxEventBytes);
        s = serialise(out);
      }
      if (!budget.fits(s.bytes)) return cutOff(socket, budget);
      // a client that reads what it is sent: its query's complete goes with the result. One that
      // does not keeps its operations open until their results are written, so the number of
      // operations per socket (maxSubscriptions) still bounds what it can have run
      return [standIn(out, s, singleResult && budget.held <= SINGLE_WRITE_HELD_BYTES), s.bytes];
    }, DROPPED);
  };

  const disposable = useServer(
    {
      // A bad or missing key closes the socket at connection_init (4403), before any
      // subscription; each subscribe authenticates again through the context. A key
      // revoked later closes the socket the same way.
      onConnect: async (ctx) => {
        try {
          const auth = await authenticate(o.keys, o.authRequired, authorizationFromParams(ctx.connectionParams));
          const socket = ctx.extra.socket;
          const unwatch = o.revocations.watch(auth.keyId, () => socket.close(CLOSE_FORBIDDEN, 'Forbidden: the API key was revoked'));
          socket.once('close', unwatch);
          return true;
        } catch {
          return false;
        }
      },
      // a result shared by many subscribers (plugins/shared-events.ts) is serialised once
      onNext: (ctx, id, payload, _args, result) => deliver(ctx.extra.socket, result, isRunningOperation(ctx.extra.socket, id, payload)),
      onComplete: (ctx, id, payload) => operationEnded(ctx.extra.socket, id, payload),
      onError: (ctx, id, payload) => void operationEnded(ctx.extra.socket, id, payload),
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already registered this subscription in ctx.subscriptions
        if (Object.keys(ctx.subscriptions).length > o.maxSubscriptions) {
          return [new GraphQLError(`at most ${o.maxSubscriptions} subscriptions per connection`, {
            extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS' },
          })];
        }
        // what the context reads: its signal is the socket's, or the operation's own (below)
        const request = { signal: socketAbort(ctx.extra.socket).signal, headers: NO_HEADERS };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          // each field here is held by every open subscription
          connectionParams: ctx.connectionParams,
          transport: 'ws',
          params: payload,
          request,
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return asInputErrors([err as GraphQLError]);
        }
        const errors = validate(schema, document);
        if (errors.length) return asInputErrors(errors);
        // a query or mutation ends its wait (a long poll, a held submit) on the client's complete
        const operation = getOperationAST(document, payload.operationName)?.operation;
        if (operation === 'query' || operation === 'mutation') request.signal = operationStarted(ctx.extra.socket, id, payload);
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (err) {
          operationEnded(ctx.extra.socket, id, payload);
          const e = err as { message?: string; code?: string; originalError?: { code?: string } };
          const code = e.code ?? e.originalError?.code ?? 'UNAUTHENTICATED';
          return [new GraphQLError(e.message ?? 'unauthenticated', { extensions: { code } })];
        }
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
    o.keepAliveMs ?? 12_000,
  );
  return {
    async close() {
      // let the completes of subscriptions the drain just ended go out before the close frames
      await new Promise((resolve) => setImmediate(resolve));
      await disposable.dispose();
    },
  };
}

const NO_HEADERS = new Headers();

/** Closes a socket that would hold too much; the delivery that found it out is dropped. */
function cutOff(socket: WebSocket, budget: ConnectionBudget): Admission<FormattedExecutionResult> {
  countCutOff('connection_bytes');
  socket.close(CLOSE_RATE_LIMITED, `RATE_LIMITED: over ${budget.limit} unsent bytes; read faster or select less, and resume from your cursors`);
  const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  return [DROPPED, 0];
}


/** Parse and validation errors over graphql-ws carry the same code as over HTTP. */
function asInputErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((e) =>
    isErrorCode(e.extensions?.code)
      ? e
      : new GraphQLError(e.message, { nodes: e.nodes, positions: e.positions, source: e.source, extensions: { code: 'BAD_USER_INPUT' } }),
  );
}
