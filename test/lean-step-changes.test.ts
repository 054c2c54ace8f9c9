/**
 * A step record answers only the intent's state: the statement that writes it selects
 * none of the intent's payloads (input, output, error, checkpoint), so a step of a run
 * with a 1 MiB input costs what its own record costs. Watches still see whole intents:
 * a lean change is never handed out as a state; the watch reads the row instead.
 */
import { afterEach, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import type { Caller } from '../src/core/caller.ts';
import type { Intent } from '../src/core/model.ts';
import type { Db, Queryable } from '../src/db/types.ts';
import { INTENT_PAYLOAD_COLUMNS, INTENT_STATE_COLUMNS } from '../src/store/rows.ts';
import { migrate } from '../src/db/migrate.ts';
import { freshDb } from './helpers/db.ts';
import { startInstance } from './helpers/live.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const caller: Caller = { namespace: 'default', principal: null };

/** The database, with the rows of every statement that inserted a step record kept in `answers`. */
function keepingStepAnswers(db: Db, answers: Record<string, unknown>[]): Db {
  const keeping = (q: Queryable): Queryable['query'] => async (sql, params) => {
    const r = await q.query(sql, params);
    for (const row of r.rows as Record<string, unknown>[]) if ('st_seq' in row) answers.push(row);
    return r as any;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'query') return keeping(target);
      if (prop === 'transaction') return (fn: (tx: Queryable) => Promise<unknown>) => target.transaction((tx) => fn({ ...tx, query: keeping(tx), exec: (s) => tx.exec(s) }));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

it('the lean column list is every column of intents but the payloads', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  await migrate(tdb.db);
  const { rows } = await tdb.db.query<{ column_name: string }>(
    `select attname as column_name from pg_attribute where attrelid = 'intents'::regclass and attnum > 0 and not attisdropped`);
  const table = rows.map((r) => r.column_name).sort();
  expect([...INTENT_STATE_COLUMNS, ...INTENT_PAYLOAD_COLUMNS].sort()).toEqual(table);
});

it('a step, alone or in a batch, is answered without the run\'s input or checkpoint, over a listening server', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const answers: Record<string, unknown>[] = [];
  const srv = await startInstance(keepingStepAnswers(tdb.db, answers));
  cleanups.push(() => srv.running.shutdown());
  const axme = createClient({ url: srv.url });
  cleanups.push(() => axme.close());

  const doc = 'x'.repeat(200_000);
  for (let i = 0; i < 3; i++) await axme.submit({ type: 'lean.big', input: { doc } });
  const leases = await axme.claimMany({ types: ['lean.big'], limit: 3 });
  expect(leases).toHaveLength(3);
  const [a, b, c] = leases.map((l) => ({ id: l.intent.id, leaseToken: l.token }));
  // a checkpoint as large as the input: neither comes back with a step
  await srv.app.services.intents.checkpoint(caller, a!.id, a!.leaseToken, { big: doc });

  // one recordSteps request of three runs' steps: the first is written alone, the two that
  // arrive while it is written go in one batch statement (store/record-steps.ts)
  const res = await fetch(srv.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: RecordStepsInput!) { recordSteps(input: $input) { id step { name status } error { code } } }',
      variables: { input: { items: [a, b, c].map((l, n) => ({ ...l, name: 'first', durationMs: 1, output: { n } })) } },
    }),
  });
  const body = await res.json() as { data: { recordSteps: { step: { name: string; status: string } | null }[] } };
  expect(body.data.recordSteps.map((r) => r.step?.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
  // and one more alone, through the typed client
  expect(await axme.recordStep({ ...a!, name: 'second', durationMs: 3, output: { n: 9 } })).toMatchObject({ name: 'second', status: 'COMPLETED' });

  // both statements answered: the lone one and the batch (its rows carry the item's position, b_n)
  expect(answers.some((r) => 'b_n' in r)).toBe(true);
  expect(answers.some((r) => !('b_n' in r))).toBe(true);
  expect(answers).toHaveLength(4);
  for (const row of answers) {
    for (const c of INTENT_PAYLOAD_COLUMNS) expect(row).not.toHaveProperty(c);
    expect(row).toMatchObject({ status: 'RUNNING', type: 'lean.big' });
  }
  // what was recorded is whole, and the run's input is untouched
  expect((await axme.steps(a!.id, { withOutput: true }))!.map((s: any) => [s.name, s.output])).toEqual([['first', { n: 0 }], ['second', { n: 9 }]]);
  expect((await axme.get(a!.id))!.input).toEqual({ doc });
});

it('a watch of RUNNING states hands out whole intents after steps committed here, read rather than taken from the lean change', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const srv = await startInstance(tdb.db, { AXME_SUBSCRIPTION_POLL_MS: '60000' });
  cleanups.push(() => srv.running.shutdown());
  const { app } = srv;
  const input = { doc: 'y'.repeat(5_000) };
  const id = (await app.services.intents.submit(caller, { type: 'lean.watch', input })).id;
  const watch = await app.live.intentChanged(caller, id, ['RUNNING']);
  cleanups.push(() => watch.end());
  await watch.next();
  const lease = (await app.services.intents.claim(caller, { types: ['lean.watch'], leaseSeconds: 60 }))!;
  expect((await watch.next()).value).toMatchObject({ status: 'RUNNING', input });
  await app.services.steps.record(caller, { id, leaseToken: lease.token, name: 's1', durationMs: 1, output: { ok: true } });
  const after = (await watch.next()).value as Intent;
  expect(after).toMatchObject({ status: 'RUNNING', lastSeq: lease.intent.lastSeq + 1, input });
});
