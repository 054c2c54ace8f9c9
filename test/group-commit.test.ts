import { afterAll, beforeAll, expect, it } from 'vitest';
import { code, ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // a row the database refuses, to show it fails alone
  await t.app.db.exec(`
    create function refuse_boom() returns trigger language plpgsql as $$
    begin
      if new.type = 'batch.boom' then raise exception 'boom'; end if;
      return new;
    end $$;
    create trigger refuse_boom before insert on intents for each row execute function refuse_boom();`);
});
afterAll(() => t.close());

const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id type input } }`;
const submit = (input: Record<string, unknown>) => t.gql(SUBMIT, { input });

async function submittedTx(ids: string[]): Promise<string[]> {
  const { rows } = await t.app.db.query<{ tx: string }>(
    `select tx::text as tx from intent_events where intent_id = any($1::uuid[]) and kind = 'SUBMITTED'`, [ids]);
  return rows.map((r) => r.tx);
}

it('writes concurrent submits together, each with its own input and SUBMITTED event', async () => {
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => submit({ type: 'batch.many', input: { i } })));
  const intents = results.map((r) => ok(r).submitIntent);
  expect(intents.map((x) => x.input)).toEqual(Array.from({ length: 40 }, (_, i) => ({ i })));
  const txs = await submittedTx(intents.map((x) => x.id));
  expect(txs.length).toBe(40);
  // fewer transactions than submits: they shared statements
  expect(new Set(txs).size).toBeLessThan(40);
});

it('fails only the submit the database refuses; the others in its batch commit', async () => {
  const results = await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => submit({ type: 'batch.fine', input: { i } })),
    submit({ type: 'batch.boom' }),
    ...Array.from({ length: 10 }, (_, i) => submit({ type: 'batch.fine', input: { i: i + 10 } })),
  ]);
  expect(code(results[10]!)).toBe('INTERNAL');
  const fine = [...results.slice(0, 10), ...results.slice(11)].map((r) => ok(r).submitIntent);
  expect(fine.map((x) => x.input.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  const { rows } = await t.app.db.query<{ n: number }>(`select count(*)::int as n from intents where type = 'batch.fine'`);
  expect(rows[0]!.n).toBe(20);
});

it('answers repeats of one idempotency key in one batch with the same intent, and a different input with CONFLICT', async () => {
  const same = await Promise.all(Array.from({ length: 8 }, () => submit({ type: 'batch.key', idempotencyKey: 'k-1', input: { a: 1 } })));
  const ids = new Set(same.map((r) => ok(r).submitIntent.id));
  expect(ids.size).toBe(1);
  const [a, b] = await Promise.all([
    submit({ type: 'batch.key', idempotencyKey: 'k-2', input: { a: 1 } }),
    submit({ type: 'batch.key', idempotencyKey: 'k-2', input: { a: 2 } }),
  ]);
  expect([a, b].map((r) => (r!.errors ? code(r!) : 'ok')).sort()).toEqual(['CONFLICT', 'ok']);
});

it('refuses a child of a missing parent with NOT_FOUND and keeps its batch', async () => {
  const [orphan, fine] = await Promise.all([
    submit({ type: 'batch.child', parentId: '01900000-0000-7000-8000-000000000000' }),
    submit({ type: 'batch.child' }),
  ]);
  expect(code(orphan!)).toBe('NOT_FOUND');
  expect(ok(fine!).submitIntent.type).toBe('batch.child');
});

const CLAIM_MANY = `mutation($input: ClaimIntentsInput!) { claimIntents(input: $input) { token intent { id } } }`;
const COMPLETE = `mutation($input: CompleteIntentInput!) { completeIntent(input: $input) { id status output } }`;

it('writes concurrent completes together, each with its own output; a stale one fails alone', async () => {
  const ids = (await Promise.all(Array.from({ length: 30 }, () => submit({ type: 'batch.done' })))).map((r) => ok(r).submitIntent.id);
  const leases: { token: string; intent: { id: string } }[] = ok(await t.gql(CLAIM_MANY, { input: { types: ['batch.done'], limit: 30 } })).claimIntents;
  expect(leases.length).toBe(30);
  const results = await Promise.all(leases.map((l, i) => t.gql(COMPLETE, {
    input: { id: l.intent.id, leaseToken: i === 7 ? leases[8]!.token : l.token, output: { i } },
  })));
  expect(code(results[7]!)).toBe('LEASE_LOST');
  results.forEach((r, i) => {
    if (i !== 7) expect(ok(r).completeIntent).toEqual({ id: leases[i]!.intent.id, status: 'COMPLETED', output: { i } });
  });
  const { rows } = await t.app.db.query<{ tx: string }>(
    `select tx::text as tx from intent_events where intent_id = any($1::uuid[]) and kind = 'COMPLETED'`, [ids]);
  expect(rows.length).toBe(29);
  expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(29);
});

const CLAIM = `mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token intent { id lease { agent } } } }`;

it('writes concurrent claims of the same types together, each intent to one claimer under its own name', async () => {
  const ids = (await Promise.all(Array.from({ length: 20 }, () => submit({ type: 'batch.claim' })))).map((r) => ok(r).submitIntent.id);
  const leases = (await Promise.all(Array.from({ length: 24 }, (_, i) =>
    t.gql(CLAIM, { input: { types: ['batch.claim'], agent: `agent-${i}` } })))).map((r) => ok(r).claimIntent);
  const got = leases.filter((l) => l !== null);
  expect(got.length).toBe(20); // four claimers found nothing left
  expect(new Set(got.map((l) => l.intent.id))).toEqual(new Set(ids));
  const { rows } = await t.app.db.query<{ intent_id: string; actor: string; tx: string }>(
    `select intent_id::text, actor, tx::text as tx from intent_events where intent_id = any($1::uuid[]) and kind = 'CLAIMED'`, [ids]);
  const byIntent = new Map(rows.map((r) => [r.intent_id, r.actor]));
  for (const l of got) expect(byIntent.get(l.intent.id)).toBe(l.intent.lease.agent);
  leases.forEach((l, i) => l && expect(l.intent.lease.agent).toBe(`agent-${i}`));
  expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(20);
});
