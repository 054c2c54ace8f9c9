import { afterEach, expect, it } from 'vitest';
import { testApp, type TestApp } from './helpers/app.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { startInstance, wsClient, wsSubscribe, type Instance } from './helpers/live.ts';

let t: TestApp | null = null;
let inst: Instance | null = null;
let tdb: TestDb | null = null;
afterEach(async () => {
  await t?.close();
  await inst?.running.shutdown();
  await tdb?.close();
  t = inst = tdb = null;
});

it('rate-limits each key with a token bucket and says when to retry', async () => {
  t = await testApp({ env: { AXME_RATE_LIMIT: '1', AXME_RATE_BURST: '3' } });
  const codes = [];
  for (let i = 0; i < 10; i++) codes.push((await t.gql('{ intents { totalCount } }')).errors?.[0]?.extensions ?? 'ok');
  expect(codes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
  // a token comes back each second, so at most a few more pass; the rest are refused
  expect(codes.find((c) => c !== 'ok')).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
});

it('runs batched operations up to the limit', async () => {
  t = await testApp({ env: { AXME_MAX_BATCH: '3' } });
  const send = (n: number) =>
    t!.app.yoga.fetch('http://axme.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: n }, (_, i) => ({ query: `mutation { submitIntent(input: { type: "batch.t", input: ${i} }) { id } }` }))),
    });
  const ok = await (await send(3)).json();
  expect(ok).toHaveLength(3);
  const tooMany = await send(4);
  expect(tooMany.status).toBeLessThan(500);
  const { rows } = await t.app.db.query<{ n: number }>(`select count(*)::int as n from intents where type = 'batch.t'`);
  expect(rows[0]!.n).toBe(3);
});

it('turns introspection off when asked, and keeps it on by default', async () => {
  t = await testApp({ env: { AXME_INTROSPECTION: 'false' } });
  const r = await t.gql('{ __schema { queryType { name } } }');
  expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  await t.close();
  t = await testApp();
  expect((await t.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
});

it('limits subscriptions per WebSocket connection', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db, { AXME_MAX_SUBSCRIPTIONS: '2' });
  const client = wsClient(inst.wsUrl);
  const subs = [1, 2, 3].map(() => wsSubscribe(client, 'subscription { intentEvents { seq } }'));
  // graphql-ws delivers an `error` message, which its iterator throws (as the list of errors)
  const third = await subs[2]!.next().catch((errors: { extensions?: unknown }[]) => errors);
  expect(third[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS' });
  for (const s of subs) await s.close();
  await client.dispose();
});

it('does not throttle a dev server with auth off: a fleet far past the keyed default goes through', async () => {
  t = await testApp();
  expect(t.app.config.rateLimit).toBe(0);
  const answers = await Promise.all(Array.from({ length: 1500 }, () => t!.gql('{ __typename }')));
  expect(answers.filter((a) => a.errors).length).toBe(0);
});

it('limits each key on its own bucket with auth on', async () => {
  t = await testApp({ env: { AXME_AUTH: 'on', AXME_RATE_LIMIT: '1', AXME_RATE_BURST: '2' } });
  expect(t.app.config.rateLimit).toBe(1);
  const keyA = (await t.app.keys.create({ namespace: 'team-a', name: 'a', role: 'viewer' })).secret;
  const keyB = (await t.app.keys.create({ namespace: 'team-a', name: 'b', role: 'viewer' })).secret;
  const ask = async (secret: string) => {
    const res = await t!.app.yoga.fetch('http://axme.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ intents { totalCount } }' }),
    });
    return ((await res.json()) as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code ?? 'ok';
  };
  const a = [await ask(keyA), await ask(keyA), await ask(keyA), await ask(keyA)];
  expect(a.slice(0, 2)).toEqual(['ok', 'ok']);
  expect(a).toContain('RATE_LIMITED');
  expect(await ask(keyB)).toBe('ok');
});

it('defaults to 500 operations per second per key with auth on', async () => {
  const { loadConfig } = await import('../src/core/config.ts');
  expect(loadConfig({ AXME_AUTH: 'on' }).rateLimit).toBe(500);
  expect(loadConfig({}).rateLimit).toBe(0);
  expect(loadConfig({ AXME_RATE_LIMIT: '50' }).rateLimit).toBe(50);
});
