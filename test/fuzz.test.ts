/**
 * Bad input to every operation: malformed bodies, wrong variable types, huge
 * strings, deep and wide queries, unknown fields, invalid ids and cursors,
 * oversized payloads. Each gets an error with a documented code, the server stays
 * up, and nothing in the database changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.ts';
import { testApp, type TestApp } from './helpers/app.ts';
import { sampleOperations } from './helpers/operations.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ env: { AXME_RATE_LIMIT: '0' } });
  // something to protect
  await t.gql(`mutation { submitIntent(input: { type: "fuzz.keep", input: { keep: true } }) { id } }`);
});
afterAll(() => t.close());

async function fingerprint(): Promise<string> {
  const { rows } = await t.app.db.query<{ f: string }>(`
    select coalesce((select md5(string_agg(i::text, ',' order by i.id)) from intents i), '') ||
           coalesce((select md5(string_agg(e::text, ',' order by e.id)) from intent_events e), '') ||
           coalesce((select md5(string_agg(a::text, ',' order by a.id)) from approvals a), '') as f`);
  return rows[0]!.f;
}

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

/** Variables with every leaf replaced by `bad`. */
function mangle(v: unknown, bad: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mangle(x, bad));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mangle(x, bad)]));
  return bad(v);
}

describe('every operation', () => {
  const variants: [string, (v: Record<string, unknown>) => unknown][] = [
    ['wrong types', (v) => mangle(v, (leaf) => (typeof leaf === 'number' ? 'NaN' : typeof leaf === 'string' ? { not: 'a string' } : 'x'))],
    ['huge strings', (v) => mangle(v, (leaf) => (typeof leaf === 'string' ? 'x'.repeat(300_000) : leaf))],
    ['invalid ids', (v) => mangle(v, (leaf) => (typeof leaf === 'string' && /^[0-9a-f-]{36}$/.test(leaf) ? "1' or '1'='1" : leaf))],
    ['negative and absurd numbers', (v) => mangle(v, (leaf) => (typeof leaf === 'number' ? -(2 ** 31) : leaf))],
    ['nulls everywhere', (v) => mangle(v, () => null)],
  ];
  for (const [name, make] of variants) {
    it(name, async () => {
      const before = await fingerprint();
      for (const op of ops) {
        const variables = make(op.variables);
        // only operations the variant actually changes (an operation with no id is no test of invalid ids)
        if (JSON.stringify(variables) === JSON.stringify(op.variables)) continue;
        const r = await raw(JSON.stringify({ query: op.query, variables }));
        // some mangled values are still valid (a huge label); those may succeed but must not 500
        if (r.json?.errors) expectCodedError(r, `${name} ${op.field}`);
        else expect(r.status, `${name} ${op.field}`).toBeLessThan(500);
      }
      // mutations with wrong types, invalid ids or nulls must not have written anything
      if (name !== 'huge strings' && name !== 'negative and absurd numbers') expect(await fingerprint()).toBe(before);
      expect((await t.app.yoga.fetch('http://axme.test/healthz')).status).toBe(200);
    }, 120_000);
  }

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
