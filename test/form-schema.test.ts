// Approval forms cannot hurt the server: patterns run on RE2, each schema compiles
// alone (no $id or $ref across requests or namespaces), the cache is a bounded LRU,
// and nothing is compiled before the lease is known good. Over a listening server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_SIZE, MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH, cachedSchemas, checkFormSchema, isCached } from '../src/core/form-schema.ts';
import { uuidv7 } from '../src/core/ids.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, startInstance, type Instance } from './helpers/live.ts';

let tdb: TestDb;
let s: Instance;
const keys: Record<'a' | 'b', string> = { a: '', b: '' };

beforeAll(async () => {
  tdb = await freshDb();
  s = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' });
  keys.a = (await s.app.keys.create({ namespace: 'team-a', name: 'a-bot', role: 'admin' })).secret;
  keys.b = (await s.app.keys.create({ namespace: 'team-b', name: 'b-bot', role: 'admin' })).secret;
});
afterAll(async () => {
  await s.running.shutdown();
  await tdb.close();
});

const as = (who: 'a' | 'b', query: string, variables?: Record<string, unknown>) =>
  post(s.url, query, variables, { authorization: `Bearer ${keys[who]}` });

let n = 0;
/** A RUNNING intent of a fresh type in `who`'s namespace: its id and lease token. */
async function leased(who: 'a' | 'b') {
  const type = `forms.t${++n}`;
  const sub = await as(who, 'mutation($t: String!) { submitIntent(input: { type: $t }) { id } }', { t: type });
  const claim = await as(who, 'mutation($t: String!) { claimIntent(input: { types: [$t], agent: "bot" }) { token intent { id } } }', { t: type });
  expect(claim.data.claimIntent.intent.id).toBe(sub.data.submitIntent.id);
  return { id: sub.data.submitIntent.id as string, token: claim.data.claimIntent.token as string };
}

const REQUEST = 'mutation($i: RequestApprovalInput!) { requestApproval(input: $i) { id status } }';
const RESOLVE = 'mutation($i: ResolveApprovalInput!) { resolveApproval(input: $i) { status data } }';

async function request(who: 'a' | 'b', formSchema: unknown, lease?: { id: string; token: string }) {
  const { id, token } = lease ?? (await leased(who));
  return as(who, REQUEST, { i: { id, leaseToken: token, approval: { title: 'ok?', formSchema } } });
}
const resolve = (who: 'a' | 'b', approvalId: string, data: unknown) => as(who, RESOLVE, { i: { approvalId, outcome: 'approve', data } });
const err = (r: { errors?: any[] }) => ({ code: r.errors?.[0]?.extensions?.code, message: String(r.errors?.[0]?.message ?? '') });

describe('patterns', () => {
  it('matches ^(a+)+$ against 40 a\'s and a "!" without backtracking: the decision answers, and /healthz answers meanwhile', async () => {
    const r = await request('a', { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } });
    const approvalId = r.data.requestApproval.id;
    // V8's backtracking engine needs about 2^40 steps for this; the event loop would be blocked for hours
    const decision = resolve('a', approvalId, { s: `${'a'.repeat(40)}!` });
    const health = fetch(new URL('/healthz', s.url));
    expect((await health).status).toBe(200);
    expect(err(await decision)).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('/s must match pattern "^(a+)+$"') });
    expect((await resolve('a', approvalId, { s: 'aaaa' })).data.resolveApproval).toEqual({ status: 'RESOLVED', data: { s: 'aaaa' } });
  });

  it('runs patternProperties and formats on RE2 too, and refuses at request what RE2 cannot run', async () => {
    const r = await request('a', {
      type: 'object',
      patternProperties: { '^(a|aa)+$': { type: 'number' } },
      properties: { mail: { type: 'string', format: 'email' } },
    });
    const bad = await resolve('a', r.data.requestApproval.id, { [`${'a'.repeat(60)}`]: 'x', mail: `${'a'.repeat(5000)}@${'a-'.repeat(5000)}!` });
    expect(err(bad).code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions.errors.map((e: { path: string }) => e.path).sort()).toEqual([`/${'a'.repeat(60)}`, '/mail']);

    for (const [schema, reason] of [
      [{ type: 'string', pattern: '(a)\\1' }, 'not supported (RE2 syntax'],
      [{ type: 'string', pattern: '^(?=a)' }, 'not supported (RE2 syntax'],
      [{ patternProperties: { '(?!x)': { type: 'number' } } }, 'not supported (RE2 syntax'],
      [{ type: 'string', format: 'url' }, 'unknown format "url"'],
      [{ type: 'string', pattern: 'a'.repeat(600) }, 'longer than 512 characters'],
    ] as const) {
      expect(err(await request('a', schema))).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining(reason) });
    }
  });
});

describe('each schema compiles alone', () => {
  it('refuses a $ref to another namespace\'s $id, and B\'s errors show only B\'s constraints', async () => {
    const bSchema = { $id: 'https://forms.example/b-limits', type: 'object', properties: { amount: { type: 'number', maximum: 5 } } };
    const b = await request('b', bSchema);
    expect(b.errors).toBeUndefined();
    for (const ref of ['https://forms.example/b-limits', 'b-limits']) {
      const a = await request('a', { $id: 'https://forms.example/a', type: 'object', properties: { amount: { $ref: ref } } });
      expect(err(a)).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('may only $ref inside itself') });
    }
    // local references still work
    const local = await request('a', { definitions: { n: { type: 'number', minimum: 10 } }, properties: { amount: { $ref: '#/definitions/n' } } });
    expect(err(await resolve('a', local.data.requestApproval.id, { amount: 3 })).message).toContain('/amount must be >= 10');
    expect(err(await resolve('b', b.data.requestApproval.id, { amount: 9 })).message).toMatch(/^data does not match the approval's formSchema: \/amount must be <= 5$/);
  });

  it('lets two namespaces use the same $id: nobody can squat it', async () => {
    const id = 'https://forms.example/shared';
    const a = await request('a', { $id: id, type: 'object', properties: { x: { type: 'string' } } });
    expect(a.errors).toBeUndefined();
    const b = await request('b', { $id: id, type: 'object', properties: { x: { type: 'number' } } });
    expect(b.errors).toBeUndefined();
    expect(err(await resolve('b', b.data.requestApproval.id, { x: 'text' })).message).toContain('/x must be number');
    expect((await resolve('a', a.data.requestApproval.id, { x: 'text' })).data.resolveApproval.status).toBe('RESOLVED');
  });

  it('resolves a pending approval after its compiled schema was evicted by many others', async () => {
    const schema = { $id: 'https://forms.example/evicted', type: 'object', properties: { amount: { type: 'number', maximum: 5 } } };
    const b = await request('b', schema);
    // other tenants' schemas, each with its own $id, push B's out of the cache
    for (let i = 0; i <= CACHE_SIZE; i++) checkFormSchema('team-z', { $id: `https://forms.example/z${i}`, properties: { n: { const: i } } });
    expect(cachedSchemas()).toBe(CACHE_SIZE);
    expect(err(await resolve('b', b.data.requestApproval.id, { amount: 9 })).message).toContain('/amount must be <= 5');
    expect((await resolve('b', b.data.requestApproval.id, { amount: 4 })).data.resolveApproval).toEqual({ status: 'RESOLVED', data: { amount: 4 } });
  });

  it('bounds a schema\'s size and depth', async () => {
    const big = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) };
    expect(err(await request('a', big))).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining(`larger than ${MAX_SCHEMA_BYTES} bytes`) });
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_SCHEMA_DEPTH; i++) deep = { properties: { a: deep } };
    expect(err(await request('a', deep))).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining(`deeper than ${MAX_SCHEMA_DEPTH}`) });
  });
});

describe('the lease first', () => {
  it('answers a made-up id or a stale token without compiling or caching its schema', async () => {
    const schema = { type: 'object', properties: { amount: { type: 'number', maximum: 42 } } };
    expect(err(await request('a', schema, { id: uuidv7(), token: uuidv7() })).code).toBe('NOT_FOUND');
    // an invalid schema is not even looked at: the missing intent is the answer
    expect(err(await request('a', { type: 'objekt' }, { id: uuidv7(), token: uuidv7() })).code).toBe('NOT_FOUND');
    const lease = await leased('a');
    expect(err(await request('a', schema, { id: lease.id, token: uuidv7() })).code).toBe('LEASE_LOST');
    expect(isCached('team-a', schema)).toBe(false);
    // with the lease, it is compiled (and kept for the decision)
    expect((await request('a', schema, lease)).data.requestApproval.status).toBe('PENDING');
    expect(isCached('team-a', schema)).toBe(true);
  });
});
