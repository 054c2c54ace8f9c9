/**
 * Notifications over Redis between instances: each instance's own listeners hear its
 * messages at once and once (not again when Redis echoes them back), the others hear
 * them through Redis, the same text sent by two instances at once is heard twice
 * everywhere, and what goes through Redis is the plain message any instance reads.
 */
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../src/core/log.ts';
import { createRedisPubSub } from '../src/pubsub/redis.ts';
import type { PubSub } from '../src/pubsub/types.ts';
import { REDIS_URL, testPrefix, until } from './helpers/live.ts';

const open: { close(): Promise<unknown> | void }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

interface Instance { pubsub: PubSub; heard: string[] }

async function instance(prefix: string): Promise<Instance> {
  const pubsub = createRedisPubSub({ url: REDIS_URL!, prefix, log: createLogger('silent') });
  open.push(pubsub);
  const heard: string[] = [];
  pubsub.subscribe('ch', (m) => heard.push(m));
  await until(() => pubsub.healthy?.() === true, 10_000, 'redis');
  return { pubsub, heard };
}

/** Two instances, each having heard the other through Redis (both subscriptions confirmed), with nothing heard yet. */
async function pair(): Promise<[Instance, Instance]> {
  const prefix = testPrefix();
  const [a, b] = [await instance(prefix), await instance(prefix)];
  for (let i = 0; !(a.heard.includes(`b${i - 1}`) && b.heard.includes(`a${i - 1}`)); i++) {
    a.pubsub.publish('ch', `a${i}`);
    b.pubsub.publish('ch', `b${i}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 100)); // the warm-up's echoes are back
  a.heard.length = 0;
  b.heard.length = 0;
  return [a, b];
}

/** Waits until `to` hears a message `from` sends now: Redis sends one channel's messages to every subscriber in one order, so all sent before it are in. */
async function flush(from: Instance, to: Instance, marker: string): Promise<void> {
  from.pubsub.publish('ch', marker);
  await until(() => to.heard.includes(marker), 10_000, marker);
}

it.skipIf(!REDIS_URL)('an instance hears its own message at once and once; the other hears it through Redis', async () => {
  const [a, b] = await pair();
  a.pubsub.publish('ch', 'from-a');
  expect(a.heard).toEqual(['from-a']); // before publish returned: no Redis round trip
  await until(() => b.heard.includes('from-a'), 10_000, 'b to hear a');
  // had a's echo been heard, it would come before this message b sends after hearing a's
  await flush(b, a, 'from-b');
  expect(a.heard).toEqual(['from-a', 'from-b']);
  expect(b.heard).toEqual(['from-a', 'from-b']);
});

it.skipIf(!REDIS_URL)('the same text from two instances at once (a work message is a type name) is heard twice by each', async () => {
  const [a, b] = await pair();
  a.pubsub.publish('ch', 'type.x');
  b.pubsub.publish('ch', 'type.x');
  await flush(a, b, 'marker-a');
  await flush(b, a, 'marker-b');
  expect(a.heard.filter((m) => m === 'type.x')).toHaveLength(2);
  expect(b.heard.filter((m) => m === 'type.x')).toHaveLength(2);
});

it.skipIf(!REDIS_URL)('sends the plain message through Redis, and hears a plain one from any instance (an older one too)', async () => {
  const prefix = testPrefix();
  const a = await instance(prefix);
  const raw = new Redis(REDIS_URL!);
  const other = new Redis(REDIS_URL!);
  open.push({ close: () => void raw.disconnect() }, { close: () => void other.disconnect() });
  const seen: string[] = [];
  other.on('message', (_c: string, m: string) => seen.push(m));
  await other.subscribe(`${prefix}:ch`);
  const message = '01900000-0000-7000-8000-000000000000:7 01900000-0000-7000-8000-000000000000:7:COMPLETED';
  for (let i = 0; seen.length === 0; i++) {
    a.pubsub.publish('ch', message);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(seen[0]).toBe(message);
  a.heard.length = 0;
  await raw.publish(`${prefix}:ch`, 'from an older instance');
  await until(() => a.heard.length > 0, 10_000, 'the plain message');
  expect(a.heard).toEqual(['from an older instance']);
});
