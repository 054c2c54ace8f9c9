// Axme as its users drive it: a server in a child process on a scratch schema, and the
// GraphQL operations an agent sends.
import { createPgDb } from '../src/db/pg.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Db } from '../src/db/types.ts';
import { CONCURRENCY, DATABASE_URL, gql, rate, startServer, type Server } from './lib.ts';

const SUBMIT = `mutation($i: SubmitIntentInput!) { submitIntent(input: $i) { id } }`;
const CLAIM = `mutation($i: ClaimIntentInput!) { claimIntent(input: $i) { token intent { id } } }`;
const COMPLETE = `mutation($i: CompleteIntentInput!) { completeIntent(input: $i) { id } }`;

export function startAxmeOnPostgres(schema: string, nodeArgs: string[] = []): Promise<Server> {
  return startServer({ DATABASE_URL, AXME_DB_SCHEMA: schema, AXME_DB_POOL_SIZE: String(CONCURRENCY) }, nodeArgs);
}

/**
 * Submits for a while without measuring. A fresh process runs cold: V8 has not
 * optimised the hot paths yet and PGlite's WebAssembly starts in its baseline tier
 * (measured: ~20–35 submits/s in PGlite's first second, ~500 from the fourth).
 */
export async function warmUp(url: string, seconds: number): Promise<void> {
  await rate(CONCURRENCY, seconds, () => submit(url, 'bench.warmup'));
}

/** A pool on the schema with Axme's tables in it, for the ceiling and for seeding. */
export async function migratedPool(schema: string): Promise<Db> {
  const db = createPgDb({ connectionString: DATABASE_URL, schema, max: CONCURRENCY });
  await migrate(db);
  return db;
}

export const submit = (url: string, type: string) => gql(url, SUBMIT, { i: { type, input: { n: 1 } } });

/** Claims and completes one intent; false when none was left. */
export async function claimComplete(url: string, type: string, agent: string): Promise<boolean> {
  const d = await gql(url, CLAIM, { i: { types: [type], agent } });
  if (!d.claimIntent) return false;
  await gql(url, COMPLETE, { i: { id: d.claimIntent.intent.id, leaseToken: d.claimIntent.token, output: { ok: true } } });
  return true;
}

const COMPLETE_THEN_CLAIM = `mutation($c: CompleteIntentInput!, $i: ClaimIntentInput!) {
  completeIntent(input: $c) { id }
  claimIntent(input: $i) { token intent { id } }
}`;

/**
 * An agent that holds one intent at a time but sends the complete of one and the claim
 * of the next in one request (mutation fields run in order). Returns a step function:
 * each call completes one intent (after the first, which only claims); false at the end.
 */
export function pipelinedAgent(url: string, type: string, agent: string): () => Promise<boolean> {
  let held: { token: string; intent: { id: string } } | null = null;
  return async () => {
    const claim = { types: [type], agent };
    if (!held) {
      held = (await gql(url, CLAIM, { i: claim })).claimIntent;
      if (!held) return false;
    }
    const d = await gql(url, COMPLETE_THEN_CLAIM, { c: { id: held.intent.id, leaseToken: held.token, output: { ok: true } }, i: claim });
    held = d.claimIntent;
    return true;
  };
}

export const claimOne = (url: string, type: string) => gql(url, CLAIM, { i: { types: [type], agent: 'bench' } });

const CLAIM_MANY = `mutation($i: ClaimIntentsInput!) { claimIntents(input: $i) { token intent { id } } }`;
const COMPLETE_MANY = `mutation($i: CompleteIntentsInput!) { completeIntents(input: $i) { id error { code } } }`;

/**
 * Claims up to `k` intents with one claimIntents request and completes them with one
 * completeIntents. Returns how many it completed; 0 claimed ends the loop.
 */
export async function claimCompleteBatch(url: string, type: string, agent: string, k: number): Promise<number | false> {
  const leases: { token: string; intent: { id: string } }[] = (await gql(url, CLAIM_MANY, { i: { types: [type], agent, limit: k } })).claimIntents;
  if (leases.length === 0) return false;
  const items = leases.map((l) => ({ id: l.intent.id, leaseToken: l.token, output: { ok: true } }));
  const results: { error: { code: string } | null }[] = (await gql(url, COMPLETE_MANY, { i: { items } })).completeIntents;
  const refused = results.find((r) => r.error);
  if (refused) throw new Error(`completeIntents refused an item: ${refused.error!.code}`);
  return leases.length;
}
