import type { Server } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AxmeYoga } from './yoga.ts';

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
export function attachWebSocket(server: Server, yoga: AxmeYoga, keepAliveMs = 12_000): WsEndpoint {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const controller = new AbortController();
        ctx.extra.socket.once('close', () => controller.abort());
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          request: { signal: controller.signal, headers: new Headers() },
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as never];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (err) {
          // e.g. UNAUTHENTICATED: an `error` message with the code, not a 4500 close the client would retry
          return [err as never];
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
    keepAliveMs,
  );
  return {
    async close() {
      // let the completes of subscriptions the drain just ended go out before the close frames
      await new Promise((resolve) => setImmediate(resolve));
      await disposable.dispose();
    },
  };
}
