import type { Server } from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate, authorizationFromParams } from '../auth/authenticate.ts';
import type { ApiKeys } from '../auth/keys.ts';
import { isErrorCode } from '../core/errors.ts';
import type { AxmeYoga } from './yoga.ts';
import { sendCheaply, standIn } from './ws-send.ts';

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
  keepAliveMs?: number;
}

export function attachWebSocket(server: Server, yoga: AxmeYoga, o: WsOptions): WsEndpoint {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  wss.on('connection', (socket, request) => sendCheaply(socket, request.socket));
  const disposable = useServer(
    {
      // A bad or missing key closes the socket at connection_init (4403), before any
      // subscription; each subscribe authenticates again through the context.
      onConnect: async (ctx) => {
        try {
          await authenticate(o.keys, o.authRequired, authorizationFromParams(ctx.connectionParams));
          return true;
        } catch {
          return false;
        }
      },
      // a result shared by many subscribers (plugins/shared-events.ts) is serialised once
      onNext: (_ctx, _id, _payload, _args, result) => standIn(result),
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already registered this subscription in ctx.subscriptions
        if (Object.keys(ctx.subscriptions).length > o.maxSubscriptions) {
          return [new GraphQLError(`at most ${o.maxSubscriptions} subscriptions per connection`, {
            extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS' },
          })];
        }
        const controller = socketAbort(ctx.extra.socket);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          // what the context reads (authorization from connectionParams, the socket's
          // signal); each field here is held by every open subscription
          connectionParams: ctx.connectionParams,
          params: payload,
          request: { signal: controller.signal, headers: NO_HEADERS },
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return asInputErrors([err as GraphQLError]);
        }
        const errors = validate(schema, document);
        if (errors.length) return asInputErrors(errors);
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (err) {
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

/** One AbortController per socket, aborted when it closes (a listener per subscribe would pile up). */
const aborts = new WeakMap<object, AbortController>();
function socketAbort(socket: { once(event: 'close', fn: () => void): unknown }): AbortController {
  let ac = aborts.get(socket);
  if (!ac) {
    const created = new AbortController();
    socket.once('close', () => created.abort());
    aborts.set(socket, (ac = created));
  }
  return ac;
}

/** Parse and validation errors over graphql-ws carry the same code as over HTTP. */
function asInputErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((e) =>
    isErrorCode(e.extensions?.code)
      ? e
      : new GraphQLError(e.message, { nodes: e.nodes, positions: e.positions, source: e.source, extensions: { code: 'BAD_USER_INPUT' } }),
  );
}
