// A day budget set while steps of its namespace are recording usage (migration 017 counters
// that move only where a day budget is set): the counter it seeds and the spending of
// those steps meet on one advisory lock, so no usage is counted twice or missed, whichever
// commits first. Needs two connections: PostgreSQL only (DATABASE_URL).
import { describe, expect, it } from 'vitest';
import type { Axme } from '@axme/client';
import type { Db, Queryable } from '../src/db/types.ts';
import { setDayBudget } from '../src/store/budgets.ts';
import { recordUsage } from '../src/store/usage.ts';
import { REAL_PG, type TestDb } from './helpers/db.ts';
import { useServed } from './helpers/served.ts';

let tdb: TestDb;
let axme: Axme;
useServed({}, (s) => ({ tdb, axme } = s));

const NS = 'default';
const limits = { maxUsd: null, maxTokens: 1_000_000, onExceeded: 'FAIL' as const };
let n = 0;

/** Records one step of `id` using 100 tokens, in `tx`. */
async function recordStepUsage(tx: Queryable, id: string): Promise<void> {
  const seq = ++n;
  const now = new Date();
  await tx.query(`insert into intent_steps (intent_id, seq, namespace, name, attempt, status, output, duration_ms, recorded_at)
    values ($1, $2, $3, $4, 1, 'COMPLETED', '1', 1, $5)`, [id, seq, NS, `s${seq}`, now]);
  await recordUsage(tx, NS, id, seq, [{ provider: null, model: 'm', inputTokens: 60, outputTokens: 40, cachedTokens: 0, costUsd: null }], now);
}

/** Runs `fn` in a transaction of `db` that commits only when the returned release is called. */
function held(db: Db, fn: (tx: Queryable) => Promise<void>): { ready: Promise<void>; release: () => void; done: Promise<void> } {
  let release!: () => void;
  let ready!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const readyP = new Promise<void>((r) => (ready = r));
  const done = db.transaction(async (tx) => {
    await fn(tx);
    ready();
    await gate;
  });
  return { ready: readyP, release, done };
}

/** Until some session waits on an advisory lock (or `settled` resolved: nothing blocked it). */
async function blockedOrSettled(db: Db, settled: Promise<unknown>): Promise<void> {
  let over = false;
  void settled.then(() => (over = true), () => (over = true));
  while (!over) {
    const { rows } = await db.query(`select 1 from pg_locks where locktype = 'advisory' and not granted`);
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const counter = async (type: string) =>
  Number((await tdb.db.query(`select coalesce(sum(tokens), 0) as t from day_usage where namespace = $1 and type = $2`, [NS, type])).rows[0]!.t);

describe.skipIf(!REAL_PG)('a day budget set while usage is being recorded', () => {
  it('counts a step that recorded before it and commits after it started', async () => {
    const type = 'race.before';
    const { id } = await axme.submit({ type, input: {} });
    const other = tdb.another();
    await recordStepUsage(tdb.db, id); // committed before: the seed counts it
    const step = held(other, (tx) => recordStepUsage(tx, id));
    await step.ready;
    const set = tdb.db.transaction((tx) => setDayBudget(tx, NS, type, limits, new Date()));
    await blockedOrSettled(tdb.db, set);
    step.release();
    await step.done;
    expect((await set)!.spentTokens).toBe(200);
    expect(await counter(type)).toBe(200);
  });

  it('counts a step that records while it is being set, once', async () => {
    const type = 'race.during';
    const { id } = await axme.submit({ type, input: {} });
    const other = tdb.another();
    await recordStepUsage(tdb.db, id);
    const set = held(other, async (tx) => void (await setDayBudget(tx, NS, type, limits, new Date())));
    await set.ready;
    const step = tdb.db.transaction((tx) => recordStepUsage(tx, id));
    await blockedOrSettled(tdb.db, step);
    set.release();
    await Promise.all([set.done, step]);
    expect(await counter(type)).toBe(200);
    await recordStepUsage(tdb.db, id);
    expect(await counter(type)).toBe(300);
  });
});
