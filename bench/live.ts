// Pieces of the real-time scenarios: Axme servers sharing one Redis under a prefix of
// their own, /metrics readings, and a minimal graphql-transport-ws client for many sockets.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { CONCURRENCY, DATABASE_URL, sleep, startServer, type Server } from './lib.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A channel prefix no other deployment or test uses; Axme keeps no keys in Redis, only channels. */
export const redisPrefix = () => `axme-bench-${randomBytes(5).toString('hex')}`;

/** An Axme server on `schema` with Redis fan-out; auth off explicitly (DATABASE_URL would turn it on). */
export function startLiveServer(schema: string, prefix: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Server> {
  return startServer({
    DATABASE_URL, AXME_DB_SCHEMA: schema, AXME_DB_POOL_SIZE: String(CONCURRENCY),
    REDIS_URL, AXME_REDIS_PREFIX: prefix, AXME_AUTH: 'off', AXME_RATE_LIMIT: '0', ...env,
  }, nodeArgs);
}

export const wsUrl = (s: Server) => s.url.replace(/^http/, 'ws');

/** One /metrics scrape as name → value (unlabelled series only). */
export async function metrics(s: Server): Promise<Map<string, number>> {
  const text = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Polls the server's open-subscription gauge until it reaches `n` (bounded). */
export async function untilSubscribed(s: Server, n: number, ms = 60_000): Promise<void> {
  const giveUp = Date.now() + ms;
  for (;;) {
    const open = (await metrics(s)).get('axme_subscriptions_open') ?? 0;
    if (open >= n) return;
    if (Date.now() > giveUp) throw new Error(`only ${open} of ${n} subscriptions open after ${ms / 1000} s`);
    await sleep(100);
  }
}

/**
 * graphql-transport-ws by hand: connection_init, then `subscribe` messages. Lighter than
 * graphql-ws's client per message, so that with 10,000 subscriptions in one event loop
 * the clients' own parsing distorts the fan-out time as little as possible.
 */
export class RawSubscriber {
  private readonly ws: WebSocket;
  private nextId = 0;
  readonly ready: Promise<void>;

  constructor(url: string, onNext: (subscription: number, payload: unknown) => void) {
    this.ws = new WebSocket(url, 'graphql-transport-ws');
    this.ready = new Promise((resolve, reject) => {
      this.ws.once('open', () => this.ws.send('{"type":"connection_init","payload":{}}'));
      this.ws.on('error', reject);
      this.ws.once('close', (code, reason) => reject(new Error(`socket closed ${code} ${reason}`)));
      this.ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
        if (msg.type === 'next') onNext(Number(msg.id), msg.payload);
        else if (msg.type === 'connection_ack') resolve();
        else if (msg.type === 'ping') this.ws.send('{"type":"pong"}');
        else if (msg.type === 'error') console.error(`  subscription ${msg.id} refused: ${JSON.stringify(msg.payload)}`);
      });
    });
  }

  /** Returns the subscription's number (its protocol id on this socket). */
  subscribe(query: string, variables: Record<string, unknown>): number {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query, variables } }));
    return id;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => this.ws.terminate(), 2000);
      this.ws.once('close', () => resolve(void clearTimeout(force)));
      this.ws.close(1000);
    });
  }
}
