/**
 * Notifications over Redis between two instances: each instance's own listeners hear its
 * messages at once and once (not again when Redis echoes them back), the other instance
 * hears them through Redis, in order, and a message from an instance that does not tag
 * its messages is heard whole.
 */
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../src/core/log.ts';
import { createRedisPubSub } from '../src/pubsub/redis.ts';
import type { PubSub } from '../src/pubsub/types.ts';
import { REDIS_URL, testPrefix, until } from './helpers/live.ts';

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function instance(prefix: string): Promise<{ pubsub: PubSub; heard: string[] }> {
  const pubsub = createRedisPubSub({ url: REDIS_URL!, prefix, log: createLogger('silent') });
  open.push(pubsub);
  const heard: string[] = [];
  pubsub.subscribe('ch', (m) => heard.push(m));
  await until(() => pubsub.healthy?.() === true, 10_000, 'redis');
  return { pubsub, heard };
}

it.skipIf(!REDIS_URL)('an instance hears its own message at once and once; the other hears it through Redis', async () => {
  const prefix = testPrefix();
  const [a, b] = [await instance(prefix), await instance(prefix)];
  // both subscriptions are live once a message each way has arrived
  for (let i = 0; ; i++) {
    b.pubsub.publish('ch', `ready-${i}`);
    await new Promise((r) => setTimeout(r, 20));
    if (a.heard.includes(`ready-${i}`)) break;
  }
  a.heard.length = 0;
  b.heard.length = 0;

  a.pubsub.publish('ch', 'from-a');
  expect(a.heard).toEqual(['from-a']); // before publish returned: no Redis round trip
  await until(() => b.heard.includes('from-a'), 10_000, 'b to hear a');
  // Redis sends a channel's messages to every subscriber in one order: had a's echo been
  // heard, it would come before this message b sends only after hearing a's
  b.pubsub.publish('ch', 'from-b');
  await until(() => a.heard.includes('from-b'), 10_000, 'a to hear b');
  expect(a.heard).toEqual(['from-a', 'from-b']);
  expect(b.heard).toEqual(['from-a', 'from-b']);
});

it.skipIf(!REDIS_URL)('a message without an instance tag (an instance from before tags) is heard whole', async () => {
  const prefix = testPrefix();
  const a = await instance(prefix);
  const raw = new Redis(REDIS_URL!);
  open.push({ close: () => void raw.disconnect() });
  const message = '01900000-0000-7000-8000-000000000000:7 01900000-0000-7000-8000-000000000000:7:COMPLETED';
  await raw.publish(`${prefix}:ch`, message);
  await until(() => a.heard.length > 0, 10_000, 'the untagged message');
  expect(a.heard).toEqual([message]);
});
