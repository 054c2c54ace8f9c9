import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_ROLES, QUERY_ROLES, ROLES, allows, requiredRole, type Role } from '../src/core/roles.ts';
import { loadConfig } from '../src/core/config.ts';
import { testApp, type GqlResult, type TestApp } from './helpers/app.ts';
import { sampleOperations } from './helpers/operations.ts';

let t: TestApp;
const secrets = {} as Record<Role, string>;

beforeAll(async () => {
  t = await testApp({ env: { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' } });
  for (const role of ROLES) secrets[role] = (await t.app.keys.create({ namespace: 'team-a', name: `${role}-bot`, role })).secret;
});
afterAll(() => t.close());

async function as(secret: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<any>> {
  const res = await t.app.yoga.fetch('http://axme.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...(await res.json()) };
}

describe('modes', () => {
  it('is off on the embedded backend and required with DATABASE_URL unless AXME_AUTH=off', () => {
    expect(loadConfig({}).authRequired).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }).authRequired).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db', AXME_AUTH: 'off' }).authRequired).toBe(false);
    expect(loadConfig({ AXME_AUTH: 'on' }).authRequired).toBe(true);
  });
});

describe('API keys', () => {
  it('refuses requests without a key, with a malformed header, or with an unknown key', async () => {
    for (const r of [
      await as(null, '{ intents { totalCount } }'),
      await as('not-a-real-key', '{ intents { totalCount } }'),
    ]) {
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.status).toBeLessThan(500);
    }
    const res = await t.app.yoga.fetch('http://axme.test/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic abc' }, body: '{"query":"{ intents { totalCount } }"}',
    });
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('stores only a hash, records last use, and stops working once revoked', async () => {
    const { key, secret } = await t.app.keys.create({ namespace: 'team-a', name: 'short-lived', role: 'viewer' });
    const { rows } = await t.app.db.query<Record<string, unknown>>('select * from api_keys where id = $1', [key.id]);
    expect(JSON.stringify(rows[0])).not.toContain(secret.slice(12));
    expect((await as(secret, '{ intents { totalCount } }')).data?.intents.totalCount).toBe(0);
    expect((await t.app.db.query<{ u: Date | null }>('select last_used_at as u from api_keys where id = $1', [key.id])).rows[0]!.u).not.toBeNull();
    const revoked = await as(secrets.admin, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: key.id });
    expect(revoked.data?.revokeApiKey.revokedAt).toBeTruthy();
    expect((await as(secret, '{ intents { totalCount } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets an admin create a key over GraphQL, in its own namespace, shown once', async () => {
    const r = await as(secrets.admin, `mutation { createApiKey(input: { name: "ci", role: AGENT }) { secret key { name role keyPrefix } } }`);
    const created = r.data!.createApiKey;
    expect(created.key).toMatchObject({ name: 'ci', role: 'AGENT' });
    expect(created.secret.startsWith(created.key.keyPrefix)).toBe(true);
    const listed = await as(secrets.admin, `{ apiKeys { name keyPrefix } }`);
    expect(JSON.stringify(listed.data)).not.toContain(created.secret);
    // the new key acts in team-a as the principal "ci"
    const sub = await as(created.secret, `mutation { submitIntent(input: { type: "auth.t" }) { id events { actor } } }`);
    expect(sub.data?.submitIntent.events[0].actor).toBe('ci');
  });
});

describe('roles', () => {
  it('give every mutation in the schema an explicit role', () => {
    const mutations = sampleOperations().filter((o) => o.kind === 'mutation').map((o) => o.field).sort();
    expect(Object.keys(MUTATION_ROLES).sort()).toEqual(mutations);
    const queries = sampleOperations().filter((o) => o.kind === 'query').map((o) => o.field);
    for (const q of Object.keys(QUERY_ROLES)) expect(queries).toContain(q);
  });

  // Every operation, every role: refused with FORBIDDEN exactly when the role lacks the right.
  // Allowed ones may still fail on the sample arguments (NOT_FOUND and the like), never with FORBIDDEN.
  const ops = sampleOperations().filter((o) => o.kind !== 'subscription');
  for (const role of ROLES) {
    it(`matrix for ${role}`, async () => {
      for (const op of ops) {
        const need = requiredRole(op.kind, op.field);
        const r = await as(secrets[role], op.query, op.variables);
        const codes = (r.errors ?? []).map((e) => e.extensions?.code);
        if (allows(role, need)) expect(codes, `${role} ${op.field}`).not.toContain('FORBIDDEN');
        else expect(codes, `${role} ${op.field}`).toEqual(['FORBIDDEN']);
      }
    }, 60_000);
  }

  it('lets an approver decide only approvals assigned to it or to nobody', async () => {
    const agent = (q: string, v?: Record<string, unknown>) => as(secrets.agent, q, v);
    const submit = async () => (await agent(`mutation { submitIntent(input: { type: "auth.approve" }) { id } }`)).data!.submitIntent.id;
    const request = async (assignees: string[]) => {
      await submit();
      const lease = (await agent(`mutation { claimIntent(input: { types: ["auth.approve"] }) { token intent { id } } }`)).data!.claimIntent;
      const r = await agent(`mutation($i: RequestApprovalInput!) { requestApproval(input: $i) { id } }`, {
        i: { id: lease.intent.id, leaseToken: lease.token, approval: { title: 'ok?', assignees } },
      });
      return r.data!.requestApproval.id as string;
    };
    const resolve = (secret: string, id: string) =>
      as(secret, `mutation($id: ID!) { resolveApproval(input: { approvalId: $id, outcome: "approve" }) { status resolvedBy } }`, { id });
    const others = await request(['someone-else']);
    expect((await resolve(secrets.approver, others)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mine = await request(['approver-bot']);
    expect((await resolve(secrets.approver, mine)).data?.resolveApproval).toEqual({ status: 'RESOLVED', resolvedBy: 'approver-bot' });
    const anyone = await request([]);
    expect((await resolve(secrets.approver, anyone)).data?.resolveApproval.status).toBe('RESOLVED');
    expect((await resolve(secrets.admin, others)).data?.resolveApproval.resolvedBy).toBe('admin-bot');
  }, 30_000);
});
