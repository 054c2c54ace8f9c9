/**
 * Cross-instance notifications over Redis: one publishing and one subscribing
 * connection per instance, each Redis channel subscribed once however many local
 * handlers listen. Messages are wake-ups, never data, so nothing here may throw
 * into the caller: a publish while Redis is away is dropped (readers poll while
 * unhealthy and re-read on recovery), and every command error is caught and logged.
 *
 * This instance's own listeners hear its messages at once, as with the in-process
 * pub/sub, not after a round trip through Redis: a result() or a long poll waiting on
 * the instance that wrote is woken without Redis's latency (0.4 ms p50, ~10 ms p99
 * measured here). Their echo from Redis is then dropped (echoes.ts), on channels whose
 * subscription Redis has confirmed, where an echo is sure to come.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../core/log.ts';
import { observeRedisPublish } from '../telemetry/metrics.ts';
import { Echoes } from './echoes.ts';
import type { PubSub } from './types.ts';

export interface RedisPubSubOptions {
  url: string;
  /** Namespaces this deployment's channels (AXME_REDIS_PREFIX), so deployments and test apps sharing a Redis stay apart. */
  prefix: string;
  log: Logger;
}

const retryStrategy = (attempt: number) => Math.min(50 * attempt, 1000);

export function createRedisPubSub(o: RedisPubSubOptions): PubSub {
  // fail fast instead of queueing publishes for a Redis that is away
  const pub = new Redis(o.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, lazyConnect: false });
  // the subscriber's channels are subscribed here, not by ioredis (autoResubscribe off): on
  // each connection once it is ready, so this instance knows when Redis confirmed them
  const sub = new Redis(o.url, { retryStrategy, maxRetriesPerRequest: null, autoResubscribe: false });
  const handlers = new Map<string, Set<(message: string) => void>>();
  const healthListeners = new Set<(healthy: boolean) => void>();
  // channels whose subscription Redis confirmed on the current connection
  const live = new Set<string>();
  const echoes = new Echoes();
  /** Subscribes `channel` on the ready connection; a connection not yet ready subscribes all of them on 'ready'. */
  const confirm = (channel: string) => {
    sub.subscribe(full(channel)).then(() => {
      if (handlers.has(channel)) live.add(channel);
    }, (err) => warn(err, 'subscribe'));
  };
  const full = (channel: string) => `${o.prefix}:${channel}`;
  const strip = (channel: string) => channel.slice(o.prefix.length + 1);
  let healthy = false;
  let closed = false;
  let lastWarn = 0;

  const warn = (err: unknown, what: string) => {
    // Redis being away fails every command; one line a few seconds is enough
    if (Date.now() - lastWarn < 5000) return;
    lastWarn = Date.now();
    o.log.warn({ err: String((err as Error)?.message ?? err) }, `redis ${what} failed`);
  };
  const setHealth = (h: boolean) => {
    if (h === healthy || closed) return;
    healthy = h;
    if (h) o.log.info('redis notifications are flowing');
    else o.log.warn('redis notifications lost; subscriptions poll Postgres until they return');
    for (const fn of [...healthListeners]) {
      try {
        fn(h);
      } catch (err) {
        o.log.error({ err }, 'redis health listener failed');
      }
    }
  };

  pub.on('error', (err) => warn(err, 'publisher'));
  sub.on('error', (err) => warn(err, 'subscriber'));
  sub.on('ready', () => {
    // a new connection holds no subscription: each channel again, its echoes expected once confirmed
    for (const channel of handlers.keys()) confirm(channel);
    setHealth(true);
  });
  const lost = () => {
    live.clear();
    echoes.forget();
    setHealth(false);
  };
  sub.on('close', lost);
  sub.on('reconnecting', lost);
  const deliver = (channel: string, message: string) => {
    for (const h of handlers.get(channel) ?? []) {
      try {
        h(message);
      } catch (err) {
        o.log.error({ err }, 'subscriber failed');
      }
    }
  };
  sub.on('message', (full: string, message: string) => {
    const channel = strip(full);
    if (!echoes.isEcho(channel, message)) deliver(channel, message);
  });

  return {
    publish(channel, message) {
      deliver(channel, message);
      if (closed || pub.status !== 'ready') return;
      const started = performance.now();
      const unexpect = live.has(channel) ? echoes.sent(channel, message) : null;
      pub.publish(full(channel), message).then(() => observeRedisPublish(started), (err) => {
        unexpect?.();
        warn(err, 'publish');
      });
    },
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        if (!closed && sub.status === 'ready') confirm(channel);
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(channel) === set) {
          handlers.delete(channel);
          live.delete(channel);
          echoes.forget(channel);
          // a connection not yet ready holds no subscription to end
          if (!closed && sub.status === 'ready') sub.unsubscribe(full(channel)).catch((err) => warn(err, 'unsubscribe'));
        }
      };
    },
    healthy: () => healthy,
    onHealth(fn) {
      healthListeners.add(fn);
      return () => healthListeners.delete(fn);
    },
    async close() {
      closed = true;
      handlers.clear();
      healthListeners.clear();
      // quit waits for Redis; when it is away, just drop the sockets
      await Promise.all([pub, sub].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
    },
  };
}
