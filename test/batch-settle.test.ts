/**
 * Issue 15 item 5: completeIntents with one item the database refuses failed the
 * whole mutation with INTERNAL and left every intent RUNNING, though the README
 * promises each item settles on its own. Now a payload no column can hold is
 * refused per item before any SQL, and a grouped statement the database refuses
 * for any other reason falls back to one statement per item.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, startInstance } from './helpers/live.ts';
import { type CapturedLog, captureLog } from './helpers/log.ts';

let tdb: TestDb;
let inst: Instance;
let captured: CapturedLog;

beforeAll(async () => {
  tdb = await freshDb();
  captured = captureLog();
  inst = await startInstance(tdb.db, { AXME_RATE_LIMIT: '0' }, captured.log);
  // a refusal no validation foresees: the database itself says no to one row
  await tdb.db.exec(`
    create function refuse_boom_output() returns trigger language plpgsql as $$
    begin
      if new.output ? 'boom' then raise exception 'boom'; end if;
      return new;
    end $$;
    create trigger refuse_boom_output before update on intents for each row execute function refuse_boom_output();`);
});
afterAll(async () => {
  await inst?.running.shutdown();
  await tdb.close();
});

const COMPLETE_MANY = 'mutation($items: [CompleteIntentInput!]!) { completeIntents(input: { items: $items }) { id intent { status output } error { code message details } } }';

/** Three RUNNING intents of a fresh type, with their leases. */
async function threeLeased(type: string): Promise<{ id: string; token: string }[]> {
  for (let i = 0; i < 3; i++) await post(inst.url, 'mutation($t: String!) { submitIntent(input: { type: $t }) { id } }', { t: type });
  const r = await post(inst.url, 'mutation($t: String!) { claimIntents(input: { types: [$t], limit: 3 }) { token intent { id } } }', { t: type });
  return r.data.claimIntents.map((l: { token: string; intent: { id: string } }) => ({ id: l.intent.id, token: l.token }));
}

const status = async (id: string) => (await post(inst.url, 'query($id: ID!) { intent(id: $id) { status output } }', { id })).data.intent;

it('a NUL inside one output is BAD_USER_INPUT for that item alone; the other two complete', async () => {
  const leases = await threeLeased('settle.nul');
  const outputs = [{ ok: 0 }, { text: 'nul\u0000here' }, { ok: 2 }];
  const r = await post(inst.url, COMPLETE_MANY, { items: leases.map((l, i) => ({ id: l.id, leaseToken: l.token, output: outputs[i] })) });
  expect(r.errors).toBeUndefined();
  const [a, b, c] = r.data.completeIntents;
  expect(a.intent).toEqual({ status: 'COMPLETED', output: { ok: 0 } });
  expect(c.intent).toEqual({ status: 'COMPLETED', output: { ok: 2 } });
  expect(b).toMatchObject({ id: leases[1]!.id, intent: null, error: { code: 'BAD_USER_INPUT', details: { field: 'output.text' } } });
  expect(await status(leases[1]!.id)).toEqual({ status: 'RUNNING', output: null });
  expect(captured.errors()).toEqual([]);
});

it('a row the database refuses fails alone: the grouped UPDATE falls back to one statement per item', async () => {
  const leases = await threeLeased('settle.boom');
  const outputs = [{ ok: 0 }, { boom: true }, { ok: 2 }];
  const r = await post(inst.url, COMPLETE_MANY, { items: leases.map((l, i) => ({ id: l.id, leaseToken: l.token, output: outputs[i] })) });
  expect(r.errors).toBeUndefined();
  const [a, b, c] = r.data.completeIntents;
  expect([a.intent?.status, c.intent?.status]).toEqual(['COMPLETED', 'COMPLETED']);
  // nothing told the server this was the client's fault: it is INTERNAL, and logged as such
  expect(b.error.code).toBe('INTERNAL');
  expect(await status(leases[1]!.id)).toEqual({ status: 'RUNNING', output: null });
  expect(captured.errors().length).toBeGreaterThan(0);
  // the lease still holds: the agent can complete it with another output
  const again = await post(inst.url, COMPLETE_MANY, { items: [{ id: leases[1]!.id, leaseToken: leases[1]!.token, output: { ok: 1 } }] });
  expect(again.data.completeIntents[0].intent.status).toBe('COMPLETED');
});

it('concurrent single completes that share a statement: the refused one fails, the rest complete', async () => {
  const leases = await threeLeased('settle.group');
  const outputs = [{ ok: 0 }, { boom: true }, { ok: 2 }];
  const results = await Promise.all(leases.map((l, i) => post(inst.url,
    'mutation($id: ID!, $t: ID!, $o: JSON) { completeIntent(input: { id: $id, leaseToken: $t, output: $o }) { status } }',
    { id: l.id, t: l.token, o: outputs[i] })));
  expect(results.map((r) => r.data?.completeIntent?.status ?? r.errors?.[0]?.extensions?.code)).toEqual(['COMPLETED', 'INTERNAL', 'COMPLETED']);
});
