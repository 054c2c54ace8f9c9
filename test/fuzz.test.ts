/**
 * Bad input to every operation. A property-based fuzz (fast-check) walks every
 * Query and Mutation field of the schema, and the fields of Intent that take
 * arguments, and sends them hostile values (helpers/hostile.ts): no answer is
 * INTERNAL or a 5xx, nothing is logged as an error, and a refused mutation writes
 * nothing. Then malformed bodies, deep and wide queries, huge texts, invalid cursors
 * and oversized payloads, one by one. Replay a failure with FUZZ_SEED=<seed>;
 * FUZZ_RUNS sets the number of runs (default 300).
 */
import fc from 'fast-check';
import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.ts';
import { schema } from '../src/graphql/schema/index.ts';
import { testApp, type TestApp } from './helpers/app.ts';
import { fingerprint as dbFingerprint } from './helpers/fingerprint.ts';
import { hostileArgs, spliceDeep } from './helpers/hostile.ts';
import { type CapturedLog, captureLog } from './helpers/log.ts';
import { sampleOperations } from './helpers/operations.ts';

let t: TestApp;
let captured: CapturedLog;
const known: string[] = ['01900000-0000-7000-8000-000000000000'];
beforeAll(async () => {
  captured = captureLog();
  // no long polls: a claim may not wait (waitSeconds over 0 is refused)
  t = await testApp({ env: { AXME_RATE_LIMIT: '0', AXME_MAX_WAIT_SECONDS: '0' }, log: captured.log });
  // something to protect, and real ids for some calls to get past validation
  const kept = await t.gql(`mutation { submitIntent(input: { type: "fuzz.keep", input: { keep: true } }) { id } }`);
  const run = await t.gql(`mutation { submitIntent(input: { type: "fuzz.run" }) { id } }`);
  const lease = await t.gql(`mutation { claimIntent(input: { types: ["fuzz.run"] }) { token } }`);
  known.push(kept.data.submitIntent.id, run.data.submitIntent.id, lease.data.claimIntent.token);
});
afterAll(() => t.close());

const fingerprint = () => dbFingerprint(t.app.db);

async function raw(body: string, headers: Record<string, string> = {}) {
  const res = await t.app.yoga.fetch('http://axme.test/graphql', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

function expectCodedError(r: { status: number; json: any; text: string }, what: string) {
  expect(r.status, what).toBeLessThan(500);
  expect(r.json?.errors?.length, `${what}: ${r.text.slice(0, 300)}`).toBeGreaterThan(0);
  for (const e of r.json.errors) expect(ERROR_CODES, `${what}: ${JSON.stringify(e)}`).toContain(e.extensions?.code);
  expect(r.text, what).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

const ops = sampleOperations().filter((o) => o.kind !== 'subscription');
const mutations = ops.filter((o) => o.kind === 'mutation');

/** The arguments of fields below the root too: each field of Intent that takes any, on a real intent. */
function nestedCases() {
  const intent = schema.getType('Intent') as GraphQLObjectType;
  return Object.values(intent.getFields()).filter((f) => f.args.length > 0).map((field) => {
    const decl = field.args.map((a) => `, $${a.name}: ${String(a.type)}`).join('');
    const use = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const query = `query($intentId: ID!${decl}) { intent(id: $intentId) { ${field.name}(${use}) { __typename } } }`;
    const op = { kind: 'query' as const, field: 'intent', query, variables: {} };
    return hostileArgs(field, { ids: () => known }).map((variables) => ({ op, variables: { ...variables, intentId: known[1] } }));
  });
}

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

describe('every operation', () => {
  it(`answers hostile arguments with a documented code, never INTERNAL or a 5xx, and writes nothing when it refuses (${FUZZ_RUNS} runs)`, async () => {
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    // by kind too: intentEvents is a query and a subscription
    const sampled = new Map(sampleOperations(undefined, true).map((o) => [`${o.kind}.${o.field}`, o]));
    const cases = fc.oneof(...roots.flatMap((root) => Object.values(root.getFields()).map((field) => {
      const op = sampled.get(`${root === schema.getQueryType() ? 'query' : 'mutation'}.${field.name}`)!;
      return hostileArgs(field, { ids: () => known }).map((variables) => ({ op, variables }));
    }), ...nestedCases()));
    const property = fc.asyncProperty(cases, async ({ op, variables }) => {
      captured.lines.length = 0;
      const before = op.kind === 'mutation' ? await fingerprint() : null;
      const r = await raw(spliceDeep(JSON.stringify({ query: op.query, variables })));
      const what = `${op.field} ${JSON.stringify(variables).slice(0, 300)}`;
      expect(r.status, what).toBeLessThan(500);
      for (const e of r.json?.errors ?? []) {
        expect(ERROR_CODES, `${what}: ${JSON.stringify(e).slice(0, 300)}`).toContain(e.extensions?.code);
        expect(e.extensions?.code, `${what}: ${e.message}`).not.toBe('INTERNAL');
      }
      expect(captured.errors(), what).toEqual([]);
      // a refused mutation (its field answered null with an error) changed nothing
      if (before !== null && r.json?.errors?.length && r.json?.data?.[op.field] == null) expect(await fingerprint(), what).toBe(before);
    });
    try {
      await fc.assert(property, { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true });
    } catch (err) {
      throw new Error(`fuzz failed; replay with FUZZ_SEED=${FUZZ_SEED}\n${(err as Error).message}`);
    }
    expect((await t.app.yoga.fetch('http://axme.test/healthz')).status).toBe(200);
  }, Math.max(120_000, FUZZ_RUNS * 1000));

  it('unknown fields and arguments', async () => {
    const before = await fingerprint();
    for (const op of mutations) {
      expectCodedError(await raw(JSON.stringify({ query: op.query.replace(/\{ (\w+)/, '{ $1Nope'), variables: op.variables })), op.field);
    }
    expectCodedError(await raw(JSON.stringify({ query: '{ intents(bogus: 1) { totalCount } }' })), 'unknown argument');
    expect(await fingerprint()).toBe(before);
  });
});

describe('malformed requests', () => {
  const bodies: [string, string][] = [
    ['not JSON', '{nope'],
    ['JSON but not an object', '[1,2'],
    ['no query', '{}'],
    ['query not a string', '{"query": 42}'],
    ['variables not an object', '{"query": "{ intents { totalCount } }", "variables": "x"}'],
    ['empty body', ''],
    ['a NUL byte', '{"query": "{ intents\\u0000 { totalCount } }"}'],
  ];
  for (const [name, body] of bodies) {
    it(name, async () => {
      const before = await fingerprint();
      expectCodedError(await raw(body), name);
      expect(await fingerprint()).toBe(before);
    });
  }

  it('a deep query', async () => {
    const deep = `{ intents { nodes { ${'parent { '.repeat(40)}id${' }'.repeat(40)} } } }`;
    expectCodedError(await raw(JSON.stringify({ query: deep })), 'deep');
  });

  it('a wide query (many aliases)', async () => {
    const wide = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: intents { totalCount }`).join(' ')} }`;
    expectCodedError(await raw(JSON.stringify({ query: wide })), 'wide');
  });

  it('a huge query text', async () => {
    expectCodedError(await raw(JSON.stringify({ query: `{ ${'__typename '.repeat(20_000)} }` })), 'tokens');
  });

  it('a body over the size limit', async () => {
    const r = await raw(JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(5 * 1024 * 1024) } }));
    expect(r.status).toBe(413);
    expectCodedError(r, 'oversized body');
  });

  it('an oversized payload inside the body limit', async () => {
    const before = await fingerprint();
    const r = await raw(JSON.stringify({
      query: 'mutation($i: JSON) { submitIntent(input: { type: "fuzz.big", input: $i }) { id } }',
      variables: { i: { blob: 'z'.repeat(1024 * 1024 + 10) } },
    }));
    expectCodedError(r, 'oversized input');
    expect(r.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await fingerprint()).toBe(before);
  });

  it('too many operations in one batch', async () => {
    const batch = Array.from({ length: 11 }, () => ({ query: '{ __typename }' }));
    const r = await raw(JSON.stringify(batch));
    expect(r.status).toBeLessThan(500);
    expect(r.text).toMatch(/batch/i);
  });

  it('invalid cursors', async () => {
    for (const after of ['!!!', 'bm9wZQ', Buffer.from('2030-01-01T00:00:00Z|not-a-uuid').toString('base64url')]) {
      expectCodedError(await raw(JSON.stringify({ query: `query($a: String) { intents(after: $a) { totalCount } }`, variables: { a: after } })), `cursor ${after}`);
    }
  });
});
