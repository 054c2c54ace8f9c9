import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { streamHead } from '../src/store/stream.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
  await migrate(t.db);
});
afterAll(() => t.close());

it('starts a stream "from now" at the newest position, also across a digit boundary of transaction ids', async () => {
  const id = crypto.randomUUID();
  await t.db.query(`insert into intents (id, namespace, type, status, max_attempts, run_at, created_at, updated_at, last_seq)
    values ($1, 'ns', 't', 'PENDING', 3, now(), now(), now(), 2)`, [id]);
  // two committed events; the newer one's transaction id has one more digit ('9' sorts after '10' as text)
  await t.db.query(`insert into intent_events (namespace, intent_id, seq, kind, status, at, tx) values
    ('ns', $1, 1, 'SUBMITTED', 'PENDING', now(), '9'::xid8), ('ns', $1, 2, 'CHECKPOINTED', 'PENDING', now(), '10'::xid8)`, [id]);
  expect((await streamHead(t.db, 'ns')).tx).toBe('10');
});
