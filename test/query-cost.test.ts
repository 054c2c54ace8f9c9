/**
 * Issue 15 item 2: the cost limit ignored variables, so `intents(first: $n)` aliased
 * 30 times ran (13 s, 2 GB), and with `events(first: $m)` nested it ran 13,373
 * statements from one request, starving other tenants. Now the cost counts the
 * arguments actually sent and multiplies through nested lists (refused before any
 * SQL), batched operations count together, and what a request then does is capped
 * by a budget of statements and rows counted where every statement passes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../src/db/types.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, startInstance } from './helpers/live.ts';

/** The database under the server, counting the statements that reach it and how many run at once. */
function counting(db: Db) {
  const seen = { statements: 0, running: 0, mostAtOnce: 0 };
  const wrapped: Db = {
    ...db,
    kind: db.kind,
    async query(sql, params) {
      seen.statements++;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, ++seen.running);
      try {
        return await db.query(sql, params);
      } finally {
        seen.running--;
      }
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return { db: wrapped, seen };
}

const aliased = (n: number, field: string | ((i: number) => string)) =>
  Array.from({ length: n }, (_, i) => `a${i}: ${typeof field === 'string' ? field : field(i)}`).join(' ');

let tdb: TestDb;
let db: ReturnType<typeof counting>;
let inst: Instance;
let tight: Instance;

beforeAll(async () => {
  tdb = await freshDb();
  db = counting(tdb.db);
  inst = await startInstance(db.db, { AXME_RATE_LIMIT: '0' });
  // another server on the same database with a small budget, to watch it bite
  tight = await startInstance(db.db, { AXME_RATE_LIMIT: '0', AXME_MAX_REQUEST_STATEMENTS: '50', AXME_MAX_REQUEST_ROWS: '100' }, undefined);
  // 120 intents, 30 aliases (the alias limit) a request
  for (let i = 0; i < 120; i += 30) {
    const r = await post(inst.url, `mutation { ${aliased(30, (j) => `submitIntent(input: { type: "cost.t", input: ${i + j} }) { id }`)} }`);
    expect(r.errors).toBeUndefined();
  }
}, 60_000);
afterAll(async () => {
  await tight?.running.shutdown();
  await inst?.running.shutdown();
  await tdb.close();
});


it('30 aliases of intents(first: 40) run: cost 1,230', async () => {
  const r = await post(inst.url, `{ ${aliased(30, 'intents(first: 40) { nodes { id } }')} }`);
  expect(r.errors).toBeUndefined();
  expect(r.data.a29.nodes).toHaveLength(40);
});

it('the same with first: $n = 500 is refused before any SQL, with the cost and the limit', async () => {
  const before = db.seen.statements;
  const r = await post(inst.url, `query($n: Int) { ${aliased(30, 'intents(first: $n) { nodes { id input } }')} }`, { n: 500 });
  expect(r.data).toBeUndefined();
  expect(r.errors).toHaveLength(1);
  expect(r.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', cost: 15_030, limit: 10_000 });
  expect(r.errors![0].message).toMatch(/costs 15030.*limit is 10000/);
  expect(db.seen.statements).toBe(before);
});

it('nested lists multiply: intents(first: $n) { nodes { events(first: $m) } } x 30 is refused, and so are defaults', async () => {
  const before = db.seen.statements;
  const nested = await post(inst.url, `query($n: Int, $m: Int) { ${aliased(30, 'intents(first: $n) { nodes { events(first: $m) { seq } } }')} }`, { n: 500, m: 10_000 });
  expect(nested.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', cost: 30 * (1 + 500 + 500 * 10_000), limit: 10_000 });
  // no arguments at all: intents' default page of 20, events' of 1,000
  const defaults = await post(inst.url, '{ intents { nodes { events { seq } } } }');
  expect(defaults.errors![0].extensions).toMatchObject({ reason: 'COST_LIMIT', cost: 1 + 20 + 20 * 1000 });
  // a variable's own default counts as sent
  const varDefault = await post(inst.url, 'query($n: Int = 500, $m: Int = 100) { intents(first: $n) { nodes { events(first: $m) { seq } } } }');
  expect(varDefault.errors![0].extensions).toMatchObject({ reason: 'COST_LIMIT', cost: 1 + 500 + 500 * 100 });
  expect(db.seen.statements).toBe(before);
  // sized small, the same shape runs
  const small = await post(inst.url, 'query($n: Int, $m: Int) { intents(first: $n) { nodes { events(first: $m) { seq } } } }', { n: 5, m: 2 });
  expect(small.errors).toBeUndefined();
  expect(small.data.intents.nodes[0].events).toEqual([{ seq: 1 }]);
});

it('the operations of a batched request count together', async () => {
  const op = { query: 'query($n: Int) { a: intents(first: $n) { nodes { id } } b: intents(first: $n) { nodes { id } } }', variables: { n: 500 } };
  const one = 2 * 501;
  const body = JSON.stringify(Array.from({ length: 10 }, () => op));
  const res = await fetch(inst.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const results = (await res.json()) as { data?: unknown; errors?: { extensions: Record<string, unknown> }[] }[];
  expect(results).toHaveLength(10);
  // 9 of them fit in 10,000; the tenth would take the request to 10,020
  expect(results.filter((r) => r.data && !r.errors)).toHaveLength(9);
  const refused = results.filter((r) => r.errors);
  expect(refused).toHaveLength(1);
  expect(refused[0]!.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', cost: 10 * one, limit: 10_000, operationCost: one });
});

it('a request that runs more statements than its budget is refused once, its partial data dropped', async () => {
  // 1 + 60 + 60 costs 121, well inside the limit, but it takes one statement per intent
  const r = await post(tight.url, '{ intents(first: 60) { nodes { id events(first: 1) { seq } } } }');
  expect(r.data).toBeUndefined();
  expect(r.errors).toHaveLength(1);
  expect(r.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'DB_BUDGET', statements: 51, limit: 50 });
  // the same read within the budget answers
  const fits = await post(tight.url, '{ intents(first: 40) { nodes { id events(first: 1) { seq } } } }');
  expect(fits.errors).toBeUndefined();
  expect(fits.data.intents.nodes).toHaveLength(40);
});

it('a request that reads more rows than its budget is refused', async () => {
  const r = await post(tight.url, '{ intents(first: 101) { nodes { id } } }');
  expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DB_BUDGET', limit: 100 });
  expect((await post(tight.url, '{ intents(first: 99) { nodes { id } } }')).data.intents.nodes).toHaveLength(99);
});

it('a mutation writes to the end whatever its budget; what it reads back counts', async () => {
  // 40 stale leases: each goes alone and is explained, about 3 statements each, far over 50
  const items = Array.from({ length: 40 }, (_, i) => ({ id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`, leaseToken: '01900000-0000-7000-8000-000000000000' }));
  const r = await post(tight.url, 'mutation($items: [CompleteIntentInput!]!) { completeIntents(input: { items: $items }) { id error { code } } }', { items });
  expect(r.errors).toBeUndefined();
  expect(r.data.completeIntents.map((x: { error: { code: string } }) => x.error.code)).toEqual(Array(40).fill('NOT_FOUND'));
});

it('a request has at most 4 statements running at once, so it queues behind itself, not in front of other tenants', async () => {
  db.seen.mostAtOnce = 0;
  const r = await post(inst.url, '{ intents(first: 100) { nodes { id events(first: 1) { seq } approvals(first: 1) { id } } } }');
  expect(r.errors).toBeUndefined();
  expect(db.seen.mostAtOnce).toBeGreaterThan(1);
  expect(db.seen.mostAtOnce).toBeLessThanOrEqual(4);
});
