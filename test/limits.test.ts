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
