import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDb, freshDb } from '../helpers/db.ts';
import { FaultProxy, auditAcknowledged, PG_URL, SUBMIT, figures, gql, killAll, readyStatus, sleep, startServer, viaPort } from './helpers.ts';

if (!PG_URL) console.warn('chaos suite: DATABASE_URL is unset; it runs only on real PostgreSQL (skipped)');

const CUTS = 3;
const CLIENTS = 4;

let tdb: TestDb | null = null;
let proxy: FaultProxy | null = null;
let schema = '';
afterAll(async () => {
  await killAll();
  await proxy?.close();
  await tdb?.close();
});
beforeAll(async () => {
  if (!PG_URL) return;
  tdb = await freshDb();
  schema = (await tdb.db.query<{ s: string }>('select current_schema() as s')).rows[0]!.s;
  const u = new URL(PG_URL);
  proxy = new FaultProxy({ host: u.hostname, port: Number(u.port || 5432) });
  await proxy.start();
});

it.skipIf(!PG_URL)(`cut every database connection ${CUTS} times: /readyz says 503, the server recovers by itself and loses nothing acknowledged`, async () => {
  const server = await startServer({ DATABASE_URL: viaPort(PG_URL!, proxy!.port), AXME_DB_SCHEMA: schema, AXME_LOG_LEVEL: 'error' });
  const acked = new Map<string, string>();
  let errors = 0;
  let stop = false;
  let expected = 0;
  const client = async (c: number) => {
    for (let j = 0; !stop; j++) {
      expected++;
      const key = `d-${c}-${j}`;
      for (let attempt = 1; ; attempt++) {
        try {
          acked.set(key, (await gql(server.url, SUBMIT, { t: 'chaos.db', k: key })).submitIntent.id);
          break;
        } catch {
          errors++;
          if (attempt > 500) throw new Error(`submit ${key} never acknowledged`);
          await sleep(50);
        }
      }
    }
  };
  const running = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

  let notReadySeen = 0;
  let recovered = 0;
  for (let k = 0; k < CUTS; k++) {
    await sleep(300 + Math.random() * 500);
    const before = acked.size;
    proxy!.cut();
    expect(await readyStatus(server.base)).toBe(503);
    notReadySeen++;
    // monitoring keeps answering while the database is away (its database series drop out)
    expect((await fetch(`${server.base}/metrics`, { signal: AbortSignal.timeout(15_000) })).status).toBe(200);
    await sleep(1000);
    expect(await readyStatus(server.base)).toBe(503);
    proxy!.restore();
    // recovery needs nothing from the test: the pool opens new connections on demand
    const giveUp = Date.now() + 20_000;
    while ((await readyStatus(server.base)) !== 200) {
      if (Date.now() > giveUp) throw new Error(`server did not recover: ${server.child.output()}`);
      await sleep(50);
    }
    const resumed = Date.now() + 20_000;
    while (acked.size <= before + CLIENTS) {
      if (Date.now() > resumed) throw new Error('submits did not resume after the database came back');
      await sleep(20);
    }
    recovered++;
  }
  stop = true;
  await running;
  expect(server.child.exitCode).toBeNull();

  const { rows, lost, duplicates } = await auditAcknowledged(tdb!.db, acked);
  figures('db-cut', { intents: acked.size, cuts: proxy!.cuts, notReadySeen, recovered, clientErrorsRetried: errors, lost, duplicates });
  expect(acked.size).toBe(expected);
  expect(rows).toBe(acked.size);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
}, 120_000);
