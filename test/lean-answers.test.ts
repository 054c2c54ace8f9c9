/**
 * A step record, a heartbeat and a progress report answer only the intent's state: their
 * statements select none of the intent's payloads (input, output, error, checkpoint), so
 * each costs the same for a run with a 1 MiB input as for one with none. Whoever shows the
 * intent still sees it whole: a watch is never handed a lean intent as a state (it reads
 * the row), and the GraphQL type reads the payloads a client selects on a lean answer.
 */
import { afterEach, expect, it } from 'vitest';
import { createClient } from '@axme/client';
import WebSocket from 'ws';
import type { Caller } from '../src/core/caller.ts';
import type { Intent } from '../src/core/model.ts';
import type { Db } from '../src/db/types.ts';
import { INTENT_PAYLOAD_COLUMNS, INTENT_STATE_COLUMNS } from '../src/store/rows.ts';
import { migrate } from '../src/db/migrate.ts';
import { freshDb } from './helpers/db.ts';
import { startInstance } from './helpers/live.ts';
import { spying } from './helpers/recording.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const caller: Caller = { namespace: 'default', principal: null };

/** The database, with the rows of every statement that inserted a step record (or whose text `also` matches) kept in `answers`. */
function keepingStepAnswers(db: Db, answers: Record<string, unknown>[], also?: RegExp): Db {
  return spying(db, (q) => async (sql, params) => {
    const r = await q.query(sql, params);
    for (const row of r.rows as Record<string, unknown>[]) if ('st_seq' in row || also?.test(sql)) answers.push(row);
    return r as any;
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

it('a heartbeat, a checkpoint and a progress report answer only what they wrote, and a client that selects the rest still gets it', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const answers: Record<string, unknown>[] = [];
  const srv = await startInstance(keepingStepAnswers(tdb.db, answers, /^\s*(with upd as \(\s*)?update intents set (lease_expires_at = least|progress = |checkpoint = )/));
  cleanups.push(() => srv.running.shutdown());
  const axme = createClient({ url: srv.url });
  cleanups.push(() => axme.close());
  const input = { doc: 'z'.repeat(50_000) };
  await axme.submit({ type: 'lean.hb', input });
  const [lease] = await axme.claimMany({ types: ['lean.hb'], limit: 1 });
  const gql = async (query: string, variables: unknown) => {
    const res = await fetch(srv.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = await res.json() as { data?: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const lease0 = { id: lease!.intent.id, leaseToken: lease!.token };
  const cp = await gql('mutation($input: CheckpointIntentInput!) { checkpointIntent(input: $input) { lastSeq checkpoint input progress } }', { input: { ...lease0, checkpoint: { at: 7 } } });
  expect(cp.checkpointIntent).toMatchObject({ checkpoint: { at: 7 }, input, progress: null });
  const pr = await gql('mutation($input: ReportProgressInput!) { reportProgress(input: $input) { id progress input checkpoint } }', { input: { ...lease0, progress: { pct: 40 } } });
  expect(pr.reportProgress).toMatchObject({ id: lease0.id, progress: { pct: 40 }, input, checkpoint: { at: 7 } });
  const hb = await gql('mutation($input: HeartbeatIntentInput!) { heartbeatIntent(input: $input) { token intent { status input checkpoint progress output error { message } } } }', { input: lease0 });
  expect(hb.heartbeatIntent).toMatchObject({ token: lease0.leaseToken, intent: { status: 'RUNNING', input, checkpoint: { at: 7 }, progress: { pct: 40 }, output: null, error: null } });
  // each statement answered the payload it wrote, if any, and no other
  expect(answers.map((row) => INTENT_PAYLOAD_COLUMNS.filter((c) => c in row))).toEqual([['checkpoint'], ['progress'], []]);
  // in one request, mutations run in order: a heartbeat after a checkpoint shows that checkpoint, not one read earlier in the request
  const seq = await gql(`mutation($input: HeartbeatIntentInput!, $cp: CheckpointIntentInput!) {
    a: heartbeatIntent(input: $input) { intent { checkpoint } }
    b: checkpointIntent(input: $cp) { lastSeq }
    c: heartbeatIntent(input: $input) { intent { checkpoint } } }`, { input: lease0, cp: { ...lease0, checkpoint: { at: 8 } } });
  expect([seq.a.intent.checkpoint, seq.c.intent.checkpoint]).toEqual([{ at: 7 }, { at: 8 }]);
});

it('a worker that completes a run is not sent the run\'s input or output back, over a listening server', async () => {
  const tdb = await freshDb();
  cleanups.push(() => tdb.close());
  const srv = await startInstance(tdb.db);
  cleanups.push(() => srv.running.shutdown());
  const received: string[] = [];
  class Recording extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', (data) => received.push(String(data)));
    }
  }
  const recordingFetch: typeof fetch = async (url, init) => {
    const res = await fetch(url, init);
    received.push(await res.clone().text());
    return res;
  };
  const worker = createClient({ url: srv.url, webSocketImpl: Recording, fetch: recordingFetch });
  cleanups.push(() => worker.close());
  const app = createClient({ url: srv.url });
  cleanups.push(() => app.close());

  const input = { doc: 'i'.repeat(300_000) };
  const output = { doc: 'o'.repeat(300_000) };
  const running = worker.worker({ types: ['lean.done'], concurrency: 2 }, async (run) => {
    await run.step('read', () => (run.input as typeof input).doc.length);
    return output;
  });
  cleanups.push(() => running.stop());
  const done = await Promise.all([1, 2].map(() => app.execute({ type: 'lean.done', input })));
  expect(done.map((d) => [d.status, d.output])).toEqual([['COMPLETED', output], ['COMPLETED', output]]);

  // what the worker was sent (responses and socket messages): each run's input with its
  // claim, and completions that say so in a few bytes, never an output
  const completions = received.filter((m) => m.includes('"completeIntents"'));
  expect(completions.length).toBeGreaterThan(0);
  for (const m of completions) expect(m.length).toBeLessThan(1_000);
  expect(received.filter((m) => m.includes('iiii')).length).toBeGreaterThan(0);
  expect(received.some((m) => m.includes('oooo'))).toBe(false);
});
