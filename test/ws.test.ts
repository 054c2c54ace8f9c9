import { afterEach, expect, it } from 'vitest';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, startInstance, wsClient, wsSubscribe, type Instance } from './helpers/live.ts';

let tdb: TestDb | null = null;
let inst: Instance | null = null;
afterEach(async () => {
  await inst?.running.shutdown();
  await tdb?.close();
  inst = tdb = null;
});

it('subscribe and unsubscribe cycles on one socket do not pile up close listeners', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db);
  const warnings: string[] = [];
  const onWarn = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarn);
  try {
    const id = (await post(inst.url, `mutation { submitIntent(input: { type: "ws.t" }) { id } }`)).data.submitIntent.id;
    const client = wsClient(inst.wsUrl);
    for (let i = 0; i < 15; i++) {
      const sub = wsSubscribe(client, `subscription($id: ID!) { intentChanged(id: $id) { id } }`, { id });
      expect((await sub.next()).data.intentChanged.id).toBe(id);
      await sub.close();
    }
    await client.dispose();
    // warnings are emitted on the next tick
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  } finally {
    process.off('warning', onWarn);
  }
});

it('accepts the key as connectionParams.apiKey as well as authorization', async () => {
  tdb = await freshDb();
  inst = await startInstance(tdb.db, { AXME_AUTH: 'on' });
  const { secret } = await inst.app.keys.create({ namespace: 'default', name: 'ws', role: 'viewer' });
  for (const params of [{ apiKey: secret }, { authorization: `Bearer ${secret}` }]) {
    const client = wsClient(inst.wsUrl, params);
    const sub = wsSubscribe(client, `subscription { intentChanged(id: "01900000-0000-7000-8000-000000000000") { id } }`);
    // connected and authenticated: the subscription itself answers NOT_FOUND
    const r = await sub.next().catch((errors: { extensions?: { code?: string } }[]) => ({ errors }));
    expect(r.errors[0].extensions.code).toBe('NOT_FOUND');
    await sub.close();
    await client.dispose();
  }
});
