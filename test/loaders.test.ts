import { afterAll, beforeAll, expect, it } from 'vitest';
import { ok, testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  // events without a size count as 1,000 each against the cost limit, so a page of 30
  // costs about 33,000: over the default 10,000, which is not what this test is about
  t = await testApp({ env: { AXME_MAX_COST: '100000' } });
});
afterAll(() => t.close());

it('reads parents, events, attempts and last wakes of a whole page in a constant number of queries', async () => {
  const parent = ok(await t.gql(`mutation { submitIntent(input: { type: "n1.parent" }) { id } }`)).submitIntent.id;
  for (let i = 0; i < 30; i++) await t.gql(`mutation($p: ID!) { submitIntent(input: { type: "n1.child", parentId: $p }) { id } }`, { p: parent });
  const db = t.app.db;
  const query = db.query.bind(db);
  let count = 0;
  db.query = ((sql: string, params?: readonly unknown[]) => {
    count++;
    return query(sql, params);
  }) as typeof db.query;
  try {
    const r = ok(await t.gql(`{ intents(first: 30, filter: { type: ["n1.child"] }) { nodes { id parent { id } events { seq kind } attempts { number } lastWake { kind } } } }`));
    expect(r.intents.nodes).toHaveLength(30);
    expect(r.intents.nodes.every((n: { parent: { id: string }; events: unknown[] }) => n.parent.id === parent && n.events.length === 1)).toBe(true);
    // the page, one for all parents, one for all events (attempts share it), one for all last wakes
    expect(count).toBeLessThanOrEqual(4);
  } finally {
    db.query = query;
  }
});

it('reads the steps of a whole page, and their outputs, in one query each', async () => {
  for (let i = 0; i < 10; i++) {
    ok(await t.gql(`mutation { submitIntent(input: { type: "n1.steps" }) { id } }`));
    const lease = ok(await t.gql(`mutation { claimIntent(input: { types: ["n1.steps"] }) { token intent { id } } }`)).claimIntent;
    for (const name of ['a', 'b']) {
      ok(await t.gql(`mutation($id: ID!, $t: ID!, $n: String!) { recordStep(input: { id: $id, leaseToken: $t, name: $n, output: { n: $n }, durationMs: 1 }) { seq } }`,
        { id: lease.intent.id, t: lease.token, n: name }));
    }
  }
  const db = t.app.db;
  const query = db.query.bind(db);
  let count = 0;
  db.query = ((sql: string, params?: readonly unknown[]) => {
    count++;
    return query(sql, params);
  }) as typeof db.query;
  try {
    const r = ok(await t.gql(`{ intents(first: 10, filter: { type: ["n1.steps"] }) { nodes { stepNames steps { name output } } } }`));
    expect(r.intents.nodes.map((n: { stepNames: string[]; steps: { output: unknown }[] }) => [n.stepNames, n.steps.map((s) => s.output)]))
      .toEqual(Array.from({ length: 10 }, () => [['a', 'b'], [{ n: 'a' }, { n: 'b' }]]));
    // the page, one for every step record (stepNames shares it), one for every output
    expect(count).toBeLessThanOrEqual(3);
  } finally {
    db.query = query;
  }
});

it('reads the budgets of a whole page in one query, however many intents it has', async () => {
  ok(await t.gql(`mutation { setBudget(type: "n1.budget", maxTokens: 1000) { type } }`));
  const parent = ok(await t.gql(`mutation { submitIntent(input: { type: "n1.budget.parent", budget: { maxUsd: 2 } }) { id } }`)).submitIntent.id;
  for (let i = 0; i < 20; i++) {
    ok(await t.gql(`mutation($p: ID!, $b: BudgetInput) { submitIntent(input: { type: "n1.budget", parentId: $p, budget: $b }) { id } }`,
      { p: parent, b: i % 2 ? { maxUsd: 1 } : null }));
  }
  const db = t.app.db;
  const query = db.query.bind(db);
  let count = 0;
  db.query = ((sql: string, params?: readonly unknown[]) => {
    count++;
    return query(sql, params);
  }) as typeof db.query;
  const page = async (first: number) => {
    count = 0;
    const r = ok(await t.gql(`query($n: Int) { intents(first: $n, filter: { type: ["n1.budget"] }) { nodes { budget { maxUsd } budgets { scope maxUsd maxTokens } } } }`, { n: first }));
    return { nodes: r.intents.nodes as { budget: { maxUsd: number }; budgets: { scope: string }[] }[], count };
  };
  try {
    const few = await page(2);
    const many = await page(20);
    expect(many.nodes).toHaveLength(20);
    // own (every other one), the parent's, the type's day budget
    expect(many.nodes.map((n) => n.budgets.map((b) => b.scope)).sort()).toEqual([
      ...Array.from({ length: 10 }, () => ['INTENT', 'INTENT', 'TYPE']), ...Array.from({ length: 10 }, () => ['INTENT', 'TYPE'])].sort());
    expect(many.nodes.map((n) => n.budget.maxUsd).sort()).toEqual([...Array(10).fill(1), ...Array(10).fill(2)]);
    // the page, one for every budget (budget and budgets share it)
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(2);
  } finally {
    db.query = query;
  }
});
