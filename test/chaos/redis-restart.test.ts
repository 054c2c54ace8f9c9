import type { Client } from 'graphql-ws';
import { afterAll, expect, it } from 'vitest';
import { type TestDb, freshDb } from '../helpers/db.ts';
import { type Instance, RedisProcess, freePort, hasRedisServer, startInstance, testPrefix, until, wsClient, wsSubscribe } from '../helpers/live.ts';
import { PG_URL, figures, gql } from './helpers.ts';

if (!PG_URL) console.warn('chaos suite: DATABASE_URL is unset; it runs only on real PostgreSQL (skipped)');

const EVENTS = 400;
/** Redis is SIGKILLed at the first number of each pair and started again at the second. */
const OUTAGES: [number, number][] = [[100, 160], [250, 300]];
const SUBSCRIBERS_PER_INSTANCE = [2, 3];

let tdb: TestDb | null = null;
let redis: RedisProcess | null = null;
const instances: Instance[] = [];
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(instances.map((i) => i.running.shutdown()));
  await redis?.stop();
  await tdb?.close();
});

const STREAM = `subscription($after: String) { intentEvents(filter: { types: ["chaos.r"] }, after: $after) { intentId kind } }`;
const submit = async (url: string) => (await gql(url, `mutation { submitIntent(input: { type: "chaos.r" }) { id } }`)).submitIntent.id as string;

it.skipIf(!PG_URL || !(await hasRedisServer()))(
  `restart Redis ${OUTAGES.length} times during ${EVENTS} events: subscribers on two instances each get every event, in order, once`,
  async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    tdb = await freshDb();
    const env = { REDIS_URL: redis.url, AXME_REDIS_PREFIX: testPrefix(), AXME_SUBSCRIPTION_POLL_MS: '100' };
    instances.push(await startInstance(tdb.db, env), await startInstance(tdb.another(), env));
    await until(() => instances.every((i) => i.app.pubsub.healthy?.() === true), 10_000, 'redis');

    // subscribe after a first event, so every subscriber starts from the same place
    const first = await submit(instances[0]!.url);
    const after = (await gql(instances[0]!.url, `query($id: ID!) { intentEvents(intentId: $id) { cursor } }`, { id: first })).intentEvents[0].cursor;
    const subs = instances.flatMap((inst, n) =>
      Array.from({ length: SUBSCRIBERS_PER_INSTANCE[n]! }, () => {
        const c = wsClient(inst.wsUrl);
        clients.push(c);
        const sub = wsSubscribe(c, STREAM, { after });
        const got: string[] = [];
        // read continuously, so a slow reader never holds back the stream
        const reading = (async () => {
          for (;;) {
            const r = await sub.next();
            if (!r) return;
            got.push(r.data.intentEvents.intentId);
          }
        })();
        return { got, reading, close: () => sub.close() };
      }),
    );

    const ids: string[] = [];
    let restarts = 0;
    for (let i = 0; i < EVENTS; i++) {
      const outage = OUTAGES.find(([down, up]) => i === down || i === up);
      if (outage && i === outage[0]) {
        await redis.stop();
        // the rest of this outage's events are written while both instances know Redis is away
        await until(() => instances.every((i) => i.app.pubsub.healthy?.() === false), 10_000, 'redis to be seen down');
      }
      if (outage && i === outage[1]) {
        await redis.start();
        restarts++;
      }
      // alternate writers: half the events reach the other instance only through Redis (or its polling)
      ids.push(await submit(instances[i % 2]!.url));
    }
    // a last event: nothing may arrive between the stream and it (no duplicate at the tail)
    await until(() => instances.every((i) => i.app.pubsub.healthy?.() === true), 20_000, 'redis to come back');
    ids.push(await submit(instances[0]!.url));
    await until(() => subs.every((s) => s.got.length >= ids.length), 60_000, 'every subscriber to catch up');
    await Promise.all(subs.map((s) => s.close()));
    await Promise.all(subs.map((s) => s.reading));

    let lost = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    for (const s of subs) {
      const seen = new Set(s.got);
      lost += ids.filter((id) => !seen.has(id)).length;
      duplicates += s.got.length - seen.size;
      if (JSON.stringify(s.got) !== JSON.stringify(ids)) outOfOrder++;
    }
    figures('redis-restart', { events: ids.length, subscribers: subs.length, instances: instances.length, redisRestarts: restarts, lost, duplicates, subscribersOutOfOrder: outOfOrder });
    for (const s of subs) expect(s.got).toEqual(ids);
  },
  120_000,
);
