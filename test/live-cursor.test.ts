/**
 * The cursor proof: many writers on separate connections, some of which take
 * their xid first and only then wait for an intent's row lock (the race that
 * makes raw xid order disagree with seq order), and a reader that disconnects
 * and resumes from its last cursor over and over. It must end with every stored
 * event exactly once, each intent's events in seq order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAxme, type Axme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import { loadConfig } from '../src/core/config.ts';
import type { Db } from '../src/db/types.ts';
import { createLogger } from '../src/core/log.ts';
import { channels } from '../src/pubsub/types.ts';
import { checkpointIntent, submitIntent } from '../src/store/intents.ts';
import { encodeCursor, ORIGIN } from '../src/store/stream.ts';
import { uuidv7 } from '../src/core/ids.ts';
import { REAL_PG, freshDb, type TestDb } from './helpers/db.ts';

let tdb: TestDb;
let app: Axme;
const clock = new ManualClock(new Date());
const caller = { namespace: 'default', principal: null };
beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ AXME_LOG_LEVEL: 'silent', AXME_SUBSCRIPTION_POLL_MS: '20' });
  app = await createAxme(config, createLogger('silent'), { db: tdb.db, clock, startSweeper: false });
});
afterAll(async () => {
  await app.close();
  await tdb.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a reader resuming from its cursor again and again gets every event once, per intent in seq order, under concurrent writers', async () => {
  const INTENTS = 6;
  const WRITERS = REAL_PG ? 8 : 3;
  const ROUNDS = REAL_PG ? 40 : 15;
  const leases: { id: string; token: string }[] = [];
  for (let i = 0; i < INTENTS; i++) {
    await app.services.intents.submit(caller, { type: 'race' });
    const lease = await app.services.intents.claim(caller, { types: ['race'], leaseSeconds: 3600 });
    leases.push({ id: lease!.intent.id, token: lease!.token });
  }
  const pools: Db[] = Array.from({ length: WRITERS }, () => (REAL_PG ? tdb.another() : tdb.db));
  const wake = () => app.pubsub.publish(channels.events('default'), 'test');

  let writing = true;
  const writers = pools.map(async (db, w) => {
    for (let n = 0; n < ROUNDS; n++) {
      const { id, token } = leases[(w + n * 7) % INTENTS]!;
      const r = Math.random();
      if (r < 0.4) {
        // take an xid, dawdle, then queue for the row lock behind writers with later xids
        await db.transaction(async (tx) => {
          await tx.query('select pg_current_xact_id()');
          await sleep(Math.random() * 4);
          await checkpointIntent(tx, 'default', id, token, { w, n }, `w${w}`, clock.now());
        });
      } else if (r < 0.9) {
        await checkpointIntent(db, 'default', id, token, { w, n }, `w${w}`, clock.now());
      } else {
        await submitIntent(db, 'default', {
          id: uuidv7(clock.now().getTime()), type: 'race.child', input: {}, idempotencyKey: null, priority: 0,
          runAt: clock.now(), maxAttempts: 1, parentId: id, labels: [],
        }, `w${w}`, clock.now());
      }
      wake();
    }
  });
  const done = Promise.all(writers).finally(() => (writing = false));

  const seen: { intentId: string; seq: number }[] = [];
  let cursor = encodeCursor(ORIGIN);
  let resumes = 0;
  const giveUp = Date.now() + 120_000;
  for (;;) {
    const total = writing ? Infinity : Number((await tdb.db.query<{ n: number }>('select count(*)::int as n from intent_events')).rows[0]!.n);
    if (seen.length >= total) break;
    if (Date.now() > giveUp) throw new Error(`reader stalled at ${seen.length} of ${total} events`);
    const stream = await app.live.events(caller, null, cursor);
    resumes++;
    const take = [1, 3, 2, 7, 5][resumes % 5]!;
    for (let i = 0; i < take; i++) {
      // a bounded wait: while writers run, the next event may not exist yet
      const next = await Promise.race([stream.next(), sleep(500).then(() => null)]);
      if (!next || next.done) break;
      const e = next.value as { intentId: string; seq: number; tx: string; id: string };
      seen.push({ intentId: e.intentId, seq: e.seq });
      cursor = encodeCursor({ tx: e.tx, id: e.id });
    }
    await stream.return();
  }
  await done;

  expect(resumes).toBeGreaterThan(5);
  const keys = seen.map((e) => `${e.intentId}:${e.seq}`);
  expect(new Set(keys).size).toBe(keys.length);
  const byIntent = new Map<string, number[]>();
  for (const e of seen) byIntent.set(e.intentId, [...(byIntent.get(e.intentId) ?? []), e.seq]);
  for (const [id, seqs] of byIntent) {
    expect(seqs, `intent ${id}`).toEqual(seqs.map((_, i) => i + 1));
  }
  const stored = await tdb.db.query<{ n: number }>('select count(*)::int as n from intent_events');
  expect(seen.length).toBe(stored.rows[0]!.n);
}, 180_000);
