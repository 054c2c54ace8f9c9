import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Axme } from './app.ts';
import { attachWebSocket } from './graphql/ws.ts';
import { crossSiteOptions } from './graphql/yoga.ts';
import type { Logger } from './core/log.ts';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then closes the app. */
  shutdown(): Promise<void>;
}

export async function listen(app: Axme, log: Logger): Promise<RunningServer> {
  const server = createServer(app.yoga);
  server.keepAliveTimeout = 65_000;
  // Requests in progress per socket. Node's closeIdleConnections() leaves alone a
  // socket that connected but has not sent a request yet (a client that aborted
  // mid-connect), which would hold shutdown until its timeout.
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1)));
  });
  const closeIdle = () => {
    server.closeIdleConnections();
    for (const [socket, n] of inFlight) if (n === 0) socket.destroy();
  };
  const ws = attachWebSocket(server, app.yoga, {
    keys: app.keys,
    authRequired: app.config.authRequired,
    maxSubscriptions: app.config.maxSubscriptionsPerConnection,
    crossSite: crossSiteOptions(app.config),
    budget: app.delivery,
    connectionBytes: app.config.subscriptionConnectionBytes,
    maxEventBytes: app.config.subscriptionMaxEventBytes,
    revocations: app.revocations,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(app.config.port, app.config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = app.config.host === '0.0.0.0' || app.config.host === '::' ? 'localhost' : app.config.host;
  const url = `http://${host}:${port}/graphql`;

  let closing: Promise<void> | null = null;
  const shutdown = () =>
    (closing ??= (async () => {
      // drain ends every subscription (SSE streams complete), then sockets close with 1001
      app.drain();
      await ws.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // keep-alive connections turn idle as their last request ends; close them as they do
      const reaper = setInterval(closeIdle, 50);
      closeIdle();
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), app.config.shutdownTimeoutMs).unref());
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        log.warn('shutdown timeout: closing the remaining connections');
        server.closeAllConnections();
        await closed;
      }
      clearInterval(reaper);
      await app.close();
    })());

  return { server, url, shutdown };
}

/**
 * SIGTERM and SIGINT drain the server (no new requests, in-flight ones finish) and
 * end the process: 0 once stopped, 1 if shutdown failed. `say` reports each stage.
 */
export function stopOnSignals(running: RunningServer, log: Logger, say: (stage: 'stopping' | 'stopped', signal: string) => void): void {
  const stop = (signal: string) => {
    say('stopping', signal);
    running.shutdown().then(
      () => {
        say('stopped', signal);
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
