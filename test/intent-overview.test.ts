// What the dashboard reads above its list, over a real server: per-status counts that
// follow every transition and stop at a cap, the types in use, and who the key is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys } from '../src/auth/keys.ts';
import { systemClock } from '../src/core/clock.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, startInstance } from './helpers/live.ts';

let tdb: TestDb;
let server: Instance;
let admin: Record<string, string>;
let viewer: Record<string, string>;

beforeAll(async () => {
  tdb = await freshDb();
  server = await startInstance(tdb.db, { AXME_AUTH: 'on', AXME_RATE_LIMIT: '0' });
  const keys = new ApiKeys(tdb.db, systemClock);
  admin = { authorization: `Bearer ${(await keys.create({ namespace: 'default', name: 'ops', role: 'admin' })).secret}` };
  viewer = { authorization: `Bearer ${(await keys.create({ namespace: 'default', name: 'watcher', role: 'viewer' })).secret}` };
});
afterAll(async () => {
  await server?.running.shutdown();
  await tdb?.close();
});

async function must<T = any>(query: string, variables?: unknown, headers = admin): Promise<T> {
  const r = await post<T>(server.url, query, variables, headers);
  if (r.errors?.length || !r.data) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

const COUNTS = `query($f: IntentFilter, $cap: Int) { intentCounts(filter: $f, cap: $cap) { total cap exact byStatus { status count exact } } }`;
const counts = async (f: unknown = null, cap?: number) => {
  const c = (await must(COUNTS, { f, cap })).intentCounts;
  return { ...c, by: Object.fromEntries(c.byStatus.map((s: { status: string; count: number }) => [s.status, s.count])) };
};
const submit = (type: string, labels: string[] = [], input: unknown = { n: 1 }) =>
  must(`mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type, input, labels } }).then((d) => d.submitIntent.id as string);

describe('intentCounts', () => {
  it('counts every status in lifecycle order, following claims, completions and cancels', async () => {
    const empty = await counts();
    expect(empty.byStatus.map((s: { status: string }) => s.status)).toEqual(['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED']);
    expect(empty.total).toBe(0);

    const ids = [await submit('ov.a', ['blue']), await submit('ov.a', ['blue', 'big']), await submit('ov.b')];
    expect((await counts()).by).toMatchObject({ PENDING: 3, RUNNING: 0, COMPLETED: 0 });
    const lease = (await must(`mutation { claimIntent(input: { types: ["ov.a"], agent: "a" }) { token intent { id } } }`)).claimIntent;
    await must(`mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { id } }`, { i: { id: lease.intent.id, leaseToken: lease.token, output: {} } });
    await must(`mutation($id: ID!) { cancelIntent(input: { id: $id }) { id } }`, { id: ids[2] });
    const after = await counts();
    expect(after.by).toEqual({ PENDING: 1, RUNNING: 0, WAITING: 0, COMPLETED: 1, FAILED: 0, CANCELLED: 1 });
    expect(after).toMatchObject({ total: 3, exact: true, cap: 1_000 });

    // the filters narrow like the list's: type, labels (every one), status
    expect((await counts({ type: ['ov.a'] })).total).toBe(2);
    expect((await counts({ label: ['blue', 'big'] })).total).toBe(1);
    const some = await counts({ status: ['CANCELLED', 'PENDING'] });
    expect(some.byStatus).toEqual([{ status: 'PENDING', count: 1, exact: true }, { status: 'CANCELLED', count: 1, exact: true }]);
  });

  it('counts exactly up to the cap and estimates beyond it, saying which', async () => {
    for (let i = 0; i < 4; i++) await submit('ov.cap', ['many']);
    // over the cap: an estimate, never below what was seen
    const over = await counts({ type: ['ov.cap'] }, 3);
    expect(over).toMatchObject({ cap: 3, exact: false });
    expect(over.byStatus[0]).toMatchObject({ status: 'PENDING', exact: false });
    expect(over.byStatus[0].count).toBeGreaterThanOrEqual(3);
    expect(over.byStatus[1]).toEqual({ status: 'RUNNING', count: 0, exact: true });
    // every filter path: plain, type or label, children
    expect((await counts(null, 3)).byStatus[0]).toMatchObject({ status: 'PENDING', exact: false });
    expect((await counts({ label: ['many'] }, 3)).byStatus[0]).toMatchObject({ status: 'PENDING', exact: false });
    const parent = await submit('ov.parent');
    for (let i = 0; i < 3; i++) await must(`mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type: 'ov.child', parentId: parent } });
    expect((await counts({ parentId: parent }, 2)).byStatus[0]).toMatchObject({ status: 'PENDING', exact: false });
    expect((await counts({ parentId: parent }, 3)).byStatus[0]).toEqual({ status: 'PENDING', count: 3, exact: true });
    // a status with no more than `cap` intents in the namespace: exact under any filter
    expect((await counts({ type: ['ov.cap'] }, 100)).byStatus[0]).toEqual({ status: 'PENDING', count: 4, exact: true });
  });

  it('refuses a cap out of range and a bad parent id with BAD_USER_INPUT', async () => {
    for (const [f, cap] of [[null, 0], [null, 1_000_001], [{ parentId: 'nope' }, 10]] as const) {
      const r = await post(server.url, COUNTS, { f, cap }, admin);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('intentTypes and me', () => {
  it('lists the types in use with an example input, for a viewer too', async () => {
    await submit('ov.typed', [], { question: 'why?' });
    const types = (await must(`{ intentTypes { type recent exampleInput paused } }`, undefined, viewer)).intentTypes;
    expect(types.find((t: { type: string }) => t.type === 'ov.typed')).toEqual({ type: 'ov.typed', recent: 1, exampleInput: { question: 'why?' }, paused: false });
    expect(types.map((t: { type: string }) => t.type)).toEqual([...types.map((t: { type: string }) => t.type)].sort());
  });

  it('says who the key is, so a client can offer only what it may do', async () => {
    expect((await must(`{ me { namespace principal role authenticated } }`, undefined, viewer)).me).toEqual({ namespace: 'default', principal: 'watcher', role: 'VIEWER', authenticated: true });
    expect((await must(`{ me { role } }`)).me.role).toBe('ADMIN');
    const r = await post(server.url, `{ me { role } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
