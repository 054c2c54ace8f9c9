import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDb, freshDb } from '../helpers/db.ts';
import { PG_URL, SUBMIT, type ServerProcess, auditAcknowledged, figures, gql, kill, killAll, sleep, startServer } from './helpers.ts';

if (!PG_URL) console.warn('chaos suite: DATABASE_URL is unset; it runs only on real PostgreSQL (skipped)');

const CLIENTS = 8;
/** Each client submits at least this many, and keeps going until the kills are over. */
const MIN_PER_CLIENT = 30;
const KILLS = 6;

let tdb: TestDb | null = null;
let env: Record<string, string>;
afterAll(async () => {
  await killAll();
  await tdb?.close();
});
beforeAll(async () => {
  if (!PG_URL) return;
  tdb = await freshDb();
  const schema = (await tdb.db.query<{ s: string }>('select current_schema() as s')).rows[0]!.s;
  env = { DATABASE_URL: PG_URL, AXME_DB_SCHEMA: schema };
});

it.skipIf(!PG_URL)(`SIGKILL one of two servers ${KILLS} times under idempotent submits: every acknowledged submit exists exactly once`, async () => {
  const servers: ServerProcess[] = [await startServer(env), await startServer(env)];
  const acked = new Map<string, string>();
  let errors = 0;
  let killing = true;
  let expected = 0;

  // each client submits its keys in order; on any error it retries the same key on the other instance
  const client = async (c: number) => {
    let at = c % 2;
    for (let j = 0; j < MIN_PER_CLIENT || killing; j++) {
      expected++;
      const key = `s-${c}-${j}`;
      for (let attempt = 1; ; attempt++) {
        try {
          const d = await gql(servers[at]!.url, SUBMIT, { t: 'chaos.submit', k: key, i: { c, j } });
          acked.set(key, d.submitIntent.id);
          break;
        } catch {
          errors++;
          if (attempt > 200) throw new Error(`submit ${key} never acknowledged`);
          at = 1 - at;
          await sleep(20);
        }
      }
    }
  };
  const running = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

  // kill the instances in turn at random moments; the other one keeps serving while the victim restarts
  let kills = 0;
  const killer = (async () => {
    for (let k = 0; k < KILLS; k++) {
      await sleep(200 + Math.random() * 600);
      const victim = k % 2;
      await kill(servers[victim]!.child);
      kills++;
      servers[victim] = await startServer(env);
    }
    killing = false;
  })();
  await Promise.all([running, killer]);
  for (const s of servers) await kill(s.child);

  const { rows, lost, duplicates } = await auditAcknowledged(tdb!.db, acked);
  figures('server-kill', { intents: acked.size, rows, kills, clientErrorsRetried: errors, lost, duplicates });
  expect(acked.size).toBe(expected);
  expect(kills).toBe(KILLS);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
  // nothing but the acknowledged submits was stored
  expect(rows).toBe(acked.size);
}, 180_000);
