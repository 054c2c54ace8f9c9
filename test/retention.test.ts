import { afterEach, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { ManualClock } from '../src/core/clock.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp | null = null;
let tdb: TestDb | null = null;
afterEach(async () => {
  await t?.close();
  await tdb?.close();
  t = null;
  tdb = null;
});

const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id } }`;
const CLAIM = `mutation($types: [String!]!) { claimIntent(input: { types: $types }) { token intent { id } } }`;

it('deletes only finished intents older than AXME_RETENTION, with their events and steps; children stay valid', async () => {
  t = await testApp({ env: { AXME_RETENTION: '1h' } });
  const clock = t.clock as ManualClock;
  const gql = t.gql;
  const submit = async (input: Record<string, unknown>) => ok(await gql(SUBMIT, { input })).submitIntent.id as string;
  const finish = async (type: string) => {
    const l = ok(await gql(CLAIM, { types: [type] })).claimIntent;
    ok(await gql(`mutation($id: ID!, $tok: ID!) { recordStep(input: { id: $id, leaseToken: $tok, name: "s", output: 1, durationMs: 1 }) { seq } }`, { id: l.intent.id, tok: l.token }));
    ok(await gql(`mutation($id: ID!, $tok: ID!) { completeIntent(input: { id: $id, leaseToken: $tok }) { id } }`, { id: l.intent.id, tok: l.token }));
    return l.intent.id as string;
  };
  const oldParent = await submit({ type: 'ret.parent' });
  await finish('ret.parent');
  const child = await submit({ type: 'ret.child', parentId: oldParent });
  const oldCancelled = await submit({ type: 'ret.c' });
  ok(await gql(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { id } }`, { id: oldCancelled }));
  const oldPending = await submit({ type: 'ret.pending' });
  clock.advance(30 * 60_000);
  const recent = await submit({ type: 'ret.recent' });
  await finish('ret.recent');
  clock.advance(30 * 60_000 + 1);

  const counts = await t.app.sweeper.sweep();
  expect(counts.retention).toBe(2);
  const { rows } = await t.app.db.query<{ id: string; parent_id: string | null }>(`select id, parent_id from intents order by id`);
  expect(rows.map((r) => r.id).sort()).toEqual([child, oldPending, recent].sort());
  expect(rows.find((r) => r.id === child)!.parent_id).toBeNull();
  const events = await t.app.db.query<{ n: number }>(`select count(*)::int as n from intent_events where intent_id = any($1::uuid[])`, [[oldParent, oldCancelled]]);
  expect(events.rows[0]!.n).toBe(0);
  // their step records go with them; the recent intent keeps its own
  const steps = await t.app.db.query<{ intent_id: string }>(`select intent_id from intent_steps`);
  expect(steps.rows.map((r) => r.intent_id)).toEqual([recent]);
  const childRead = ok(await gql(`query($id: ID!) { intent(id: $id) { status parent { id } events { kind } } }`, { id: child })).intent;
  expect(childRead).toEqual({ status: 'PENDING', parent: null, events: [{ kind: 'SUBMITTED' }] });
});

it('with the real timer and system clock, the sweeper recovers an expired lease on its own', async () => {
  tdb = await freshDb();
  const config = loadConfig({ AXME_LOG_LEVEL: 'silent', AXME_SWEEP_MS: '20' });
  const app = await createAxme(config, createLogger('silent'), { db: tdb.db });
  try {
    const submitted = await app.services.intents.submit({ namespace: 'default', principal: null }, { type: 'ret.timer' });
    const lease = await app.services.intents.claim({ namespace: 'default', principal: null }, { types: ['ret.timer'], leaseSeconds: 1 });
    expect(lease?.intent.id).toBe(submitted.id);
    let status = 'RUNNING';
    for (let i = 0; i < 300 && status !== 'PENDING'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await app.services.intents.get({ namespace: 'default', principal: null }, submitted.id))!.status;
    }
    expect(status).toBe('PENDING');
  } finally {
    await app.close();
  }
});

it('AXME_RETENTION=off registers no retention task', async () => {
  t = await testApp({ env: { AXME_RETENTION: 'off' }, clock: new ManualClock() });
  expect(Object.keys(await t.app.sweeper.sweep())).not.toContain('retention');
});
