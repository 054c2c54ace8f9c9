// Scenarios 1 and 2 of the benchmark issue: submit, and claim → complete, through
// Axme's GraphQL API and, side by side in the same run, through plain `pg` doing the
// same rows (the ceiling). Peers and the remaining scenarios come with the benchmark issue.
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { createPgDb } from '../src/db/pg.ts';
import { migrate } from '../src/db/migrate.ts';
import { uuidv7 } from '../src/ids.ts';
import { DATABASE_URL, gql, rate, scratchSchema, startServer } from './lib.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = 8;
const PREFILL = Number(process.env.BENCH_PREFILL ?? 20_000);

const SUBMIT_SQL = `
  with ins as (
    insert into intents (id, namespace, type, status, input, max_attempts, run_at, created_at, updated_at, last_seq)
    values ($1, 'default', $2, 'PENDING', $3::jsonb, 3, now(), now(), now(), 1) returning id
  ) insert into intent_events (namespace, intent_id, seq, kind, status, at)
    select 'default', id, 1, 'SUBMITTED', 'PENDING', now() from ins`;
const CLAIM_SQL = `
  with upd as (
    update intents set status = 'RUNNING', attempt = attempt + 1, lease_token = $2, lease_expires_at = now() + interval '5 min', last_seq = last_seq + 1, updated_at = now()
    where id = (select id from intents where namespace = 'default' and status = 'PENDING' and type = $1 and run_at <= now()
                order by priority desc, run_at, id limit 1 for update skip locked)
    returning id, last_seq
  ), ev as (insert into intent_events (namespace, intent_id, seq, kind, status, at) select 'default', id, last_seq, 'CLAIMED', 'RUNNING', now() from upd)
  select id from upd`;
const COMPLETE_SQL = `
  with upd as (
    update intents set status = 'COMPLETED', output = $3::jsonb, lease_token = null, lease_expires_at = null, finished_at = now(), last_seq = last_seq + 1, updated_at = now()
    where id = $1 and lease_token = $2 returning id, last_seq
  ) insert into intent_events (namespace, intent_id, seq, kind, status, at) select 'default', id, last_seq, 'COMPLETED', 'COMPLETED', now() from upd`;

async function prefill(schema: string, type: string, n: number) {
  const c = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await c.connect();
  await c.query(`insert into intents (id, namespace, type, status, input, max_attempts, run_at, created_at, updated_at, last_seq)
    select gen_random_uuid(), 'default', $1, 'PENDING', '{"n":1}', 3, now(), now(), now(), 1 from generate_series(1, $2)`, [type, n]);
  await c.query(`insert into intent_events (namespace, intent_id, seq, kind, status, at) select namespace, id, 1, 'SUBMITTED', 'PENDING', now() from intents where type = $1`, [type]);
  await c.query('analyze');
  await c.end();
}

async function ceiling(schema: string) {
  const db = createPgDb({ connectionString: DATABASE_URL, schema, max: CONCURRENCY });
  await migrate(db);
  const submit = await rate(CONCURRENCY, SECONDS, () => db.query(SUBMIT_SQL, [uuidv7(), 'bench.submit', '{"n":1}']).then(() => {}));
  await prefill(schema, 'bench.cycle', PREFILL);
  const cycle = await rate(CONCURRENCY, SECONDS, async () => {
    const token = crypto.randomUUID();
    const { rows } = await db.query<{ id: string }>(CLAIM_SQL, [`bench.cycle`, token]);
    if (!rows[0]) return false;
    await db.query(COMPLETE_SQL, [rows[0].id, token, '{"ok":true}']);
  });
  await db.close();
  return { submit, cycle };
}

async function axme(schema: string) {
  const server = await startServer({ DATABASE_URL, AXME_DB_SCHEMA: schema, AXME_DB_POOL_SIZE: String(CONCURRENCY) });
  try {
    const submit = await rate(CONCURRENCY, SECONDS, () =>
      gql(server.url, `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`, { i: { type: 'bench.submit', input: { n: 1 } } }),
    );
    await prefill(schema, 'bench.cycle', PREFILL);
    const cycle = await rate(CONCURRENCY, SECONDS, async (loop) => {
      const d = await gql(server.url, `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id } } }`, { i: { types: ['bench.cycle'], agent: `a${loop}` } });
      if (!d.claimIntent) return false;
      await gql(server.url, `mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { id } }`, {
        i: { id: d.claimIntent.intent.id, leaseToken: d.claimIntent.token, output: { ok: true } },
      });
    });
    return { submit, cycle };
  } finally {
    await server.stop();
  }
}

const s1 = await scratchSchema('axme_bench');
const s2 = await scratchSchema('axme_bench');
try {
  console.log(`core benchmark: ${CONCURRENCY} concurrent clients, ${SECONDS}s per scenario, PostgreSQL at ${DATABASE_URL}`);
  const c = await ceiling(s1.name);
  const a = await axme(s2.name);
  const rows = [
    ['submit (intents/s)', a.submit.perSecond, c.submit.perSecond],
    ['claim → complete (cycles/s)', a.cycle.perSecond, c.cycle.perSecond],
  ] as const;
  console.log('\n| scenario | Axme (GraphQL/HTTP) | plain pg ceiling | Axme / ceiling |\n|---|---|---|---|');
  for (const [name, ax, ce] of rows) console.log(`| ${name} | ${ax.toFixed(0)} | ${ce.toFixed(0)} | ${((ax / ce) * 100).toFixed(0)}% |`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().slice(0, 10)}-core.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, axme: a, ceiling: c }, null, 2));
  console.log(`\nwrote ${file}`);
} finally {
  await s1.drop();
  await s2.drop();
}
