/**
 * The cost model (graphql/cost.ts) over the schema itself: no list of objects
 * escapes it, what the project's own clients send fits the default limit at the
 * largest sizes they use, and the README's figures are what it computes.
 */
import { readFileSync } from 'node:fs';
import { type DocumentNode, getNamedType, getNullableType, isListType, isObjectType, parse } from 'graphql';
import { expect, it } from 'vitest';
import { loadConfig } from '../src/core/config.ts';
import { type ListSize, operationCost } from '../src/graphql/cost.ts';
import { schema } from '../src/graphql/schema/index.ts';

const cost = (doc: string | DocumentNode, variables: Record<string, unknown> = {}, name?: string) =>
  operationCost(schema, typeof doc === 'string' ? parse(doc) : doc, name, variables);

it('every field returning a list of objects declares its size (or is the nodes or edges of a sized connection)', () => {
  const types = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__'));
  const sizedBy = new Set<string>();
  for (const t of types) {
    if (!isObjectType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      const s = (f.extensions as { listSize?: ListSize }).listSize;
      for (const name of s?.sized ?? []) sizedBy.add(`${getNamedType(f.type).name}.${name}`);
    }
  }
  const undeclared: string[] = [];
  for (const t of types) {
    if (!isObjectType(t)) continue;
    for (const f of Object.values(t.getFields())) {
      const listOfObjects = isListType(getNullableType(f.type)) && isObjectType(getNamedType(f.type));
      if (listOfObjects && !(f.extensions as { listSize?: ListSize }).listSize && !sizedBy.has(`${t.name}.${f.name}`)) undeclared.push(`${t.name}.${f.name}`);
    }
  }
  expect(undeclared).toEqual([]);
});

it("the project's own operations fit the default limit at the largest sizes they send", () => {
  const limit = loadConfig({}).maxCost;
  expect(limit).toBe(10_000);
  const files = ['packages/client/src/operations/intents.graphql', 'packages/client/src/operations/waits.graphql', 'packages/client/src/operations/live.graphql',
    'ui/src/operations/intents.graphql', 'ui/src/operations/intent.graphql', 'ui/src/operations/approvals.graphql'];
  // the worker claims and completes up to 1,000 at once; pages go up to 500
  const largest = { first: 500, input: { limit: 1000, items: Array.from({ length: 1000 }, () => ({})) } };
  const costs: Record<string, number> = {};
  for (const file of files) {
    const doc = parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
    for (const d of doc.definitions) {
      if (d.kind === 'OperationDefinition') costs[`${file}:${d.name!.value}`] = cost(doc, largest, d.name!.value);
    }
  }
  expect(Object.entries(costs).filter(([, c]) => c > limit)).toEqual([]);
  // 5 per lease: the lease, its intent, error, lease holder and lastWake; 1 more for stepNames, a query of its own
  expect(costs['packages/client/src/operations/intents.graphql:ClaimIntents']).toBe(6000);
  expect(costs['packages/client/src/operations/intents.graphql:CompleteIntents']).toBe(5000);
});

it("computes the README's figures", () => {
  const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
  expect(cost('{ intents(first: 40) { nodes { id } } }')).toBe(41);
  expect(cost(`{ ${aliased(30, 'intents(first: 40) { nodes { id } }')} }`)).toBe(1230);
  expect(cost('query($n: Int) { intents(first: $n) { totalCount nodes { id events(first: 10) { seq } } } }', { n: 100 })).toBe(1 + 1 + 100 + 1000);
  expect(cost('{ intents(first: 20) { nodes { events { seq } } } }')).toBe(1 + 20 + 20_000);
  expect(cost('{ intent(id: "x") { id status } }')).toBe(1);
  expect(cost('mutation { resumeIntentType(type: "x") }')).toBe(1);
  // sizes past a field's maximum cost its maximum (the resolver refuses them anyway)
  expect(cost('{ intents(first: 100000) { nodes { id } } }')).toBe(501);
  // @skip and @include follow the variables sent
  expect(cost('query($s: Boolean!) { intents(first: 500) @skip(if: $s) { nodes { id } } }', { s: true })).toBe(0);
  expect(cost('query($s: Boolean!) { intents(first: 500) @include(if: $s) { nodes { id } } }', { s: true })).toBe(501);
  // fragments count where they are spread
  expect(cost('{ intents(first: 10) { nodes { ...F } } } fragment F on Intent { parent { id } events(first: 3) { seq } }')).toBe(1 + 10 + 10 + 30);
  // introspection reads no data
  expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
});

it('costs one parsed document by the variables of each call, and one without sized lists the same every time', () => {
  // the parser cache hands the server the same document object for every request that sends its text
  const sized = parse('query($n: Int, $s: Boolean = false) { intents(first: $n) { nodes { id } } again: intents(first: 2) @skip(if: $s) { nodes { id } } }');
  expect(cost(sized, { n: 10 })).toBe(11 + 3);
  expect(cost(sized, { n: 300 })).toBe(301 + 3);
  expect(cost(sized, { n: 300, s: true })).toBe(301);
  // a variable read only by a directive, inside a fragment, with a default
  const skipped = parse('query($s: Boolean = true) { ...F } fragment F on Query { intents(first: 4) @skip(if: $s) { nodes { id } } }');
  expect([cost(skipped, {}), cost(skipped, { s: false }), cost(skipped, { s: true })]).toEqual([0, 5, 0]);
  const fixed = parse('query A { intent(id: "x") { id } } query B { intents(first: 7) { nodes { id } } }');
  expect([cost(fixed, {}, 'A'), cost(fixed, {}, 'B'), cost(fixed, {}, 'A'), cost(fixed, {}, 'B')]).toEqual([1, 8, 1, 8]);
});
