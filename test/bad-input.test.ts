/**
 * Issue 15 item 6: input the database cannot hold (NUL characters, unpaired
 * surrogates, dates outside a timestamptz, cursors whose numbers overflow bigint,
 * JSON 10,000 deep, a 2,000-deep literal, unparsable GET parameters) used to reach
 * SQL or a recursive parser and come back INTERNAL, logged as a server error. Each
 * is now BAD_USER_INPUT naming the field, through a real listening server; nothing
 * is written, and the server logs it at debug level, never as an error.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { fingerprint } from './helpers/fingerprint.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { type Instance, post, sseSubscribe, startInstance } from './helpers/live.ts';
import { type CapturedLog, captureLog } from './helpers/log.ts';

let tdb: TestDb;
let inst: Instance;
let captured: CapturedLog;
let leased: { id: string; token: string };

beforeAll(async () => {
  tdb = await freshDb();
  captured = captureLog();
  inst = await startInstance(tdb.db, { AXME_RATE_LIMIT: '0' }, captured.log);
  await post(inst.url, 'mutation { submitIntent(input: { type: "bad.input", input: { keep: true } }) { id } }');
  const lease = await post(inst.url, 'mutation { claimIntent(input: { types: ["bad.input"] }) { token intent { id } } }');
  leased = { id: lease.data.claimIntent.intent.id, token: lease.data.claimIntent.token };
});
afterAll(async () => {
  await inst.running.shutdown();
  await tdb.close();
});
beforeEach(() => {
  captured.lines.length = 0;
});

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const NIL = '01900000-0000-7000-8000-000000000000';

/** A value nested `depth` arrays deep, as JSON text (JSON.stringify would recurse). */
const deepJson = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

type Case = [name: string, query: string, variables: Record<string, unknown> | undefined, field: string];

const cases: Case[] = [
  ['a NUL in an idempotency key', 'mutation($k: String) { submitIntent(input: { type: "x", idempotencyKey: $k }) { id } }', { k: NUL }, 'k'],
  ['an unpaired surrogate in a label', 'mutation($l: [String!]) { submitIntent(input: { type: "x", labels: $l }) { id } }', { l: ['ok', LONE] }, 'l[1]'],
  ['a NUL in an input key', 'mutation($i: JSON) { submitIntent(input: { type: "x", input: $i }) { id } }', { i: { [NUL]: 1 } }, 'input'],
  ['an unpaired surrogate in an input value', 'mutation($i: JSON) { submitIntent(input: { type: "x", input: $i }) { id } }', { i: { a: [LONE] } }, 'input.a[0]'],
  ['a NUL in a concurrency key', 'mutation($s: SubmitIntentInput!) { submitIntent(input: $s) { id } }', { s: { type: 'x', concurrencyKey: NUL } }, 's.concurrencyKey'],
  ['a NUL in a literal reason', `mutation { cancelIntent(input: { id: "${NIL}", reason: "stop\\u0000now" }) { id } }`, undefined, 'input.reason'],
  ['a NUL in a list filter', 'query($l: [String!]) { intents(filter: { label: $l }) { totalCount } }', { l: [NUL] }, 'l[0]'],
  ['a NUL in an approval filter', 'query($a: String) { approvals(filter: { assignee: $a }) { nodes { id } } }', { a: NUL }, 'a'],
  ['a NUL in an agent name', 'mutation($a: String) { claimIntent(input: { types: ["nothing"], agent: $a }) { token } }', { a: NUL }, 'a'],
  ['an unpaired surrogate in a key name', 'mutation($n: String!) { createApiKey(input: { name: $n, role: AGENT }) { secret } }', { n: LONE }, 'n'],
  ['a NUL in a pause reason', 'mutation($r: String) { pauseIntentType(type: "x", reason: $r) { type } }', { r: NUL }, 'r'],
  ['a NUL in a checkpoint', 'mutation($id: ID!, $t: ID!, $c: JSON!) { checkpointIntent(input: { id: $id, leaseToken: $t, checkpoint: $c }) { id } }',
    { id: 'LEASED', t: 'TOKEN', c: { note: NUL } }, 'checkpoint.note'],
  ['runAt in year 0000 (literal)', 'mutation { submitIntent(input: { type: "x", runAt: "0000-01-01T00:00:00Z" }) { id } }', undefined, 'input.runAt'],
  ['a deadline in year 0000 (variable)', 'mutation($s: SubmitIntentInput!) { submitIntent(input: $s) { id } }', { s: { type: 'x', deadline: '0000-01-01T00:00:00Z' } }, 's.deadline'],
  ['a sleep until year 0000', 'mutation($id: ID!, $t: ID!) { sleepIntent(input: { id: $id, leaseToken: $t, until: "0000-06-01T00:00:00Z" }) { id } }',
    { id: 'LEASED', t: 'TOKEN' }, 'input.until'],
  ['a list cursor forged with a date before 4713 BC', 'query($a: String) { intents(after: $a) { totalCount } }', { a: b64(`-271821-04-20T00:00:00.000Z|${NIL}`) }, 'after'],
  ['a list cursor forged with year 0000', 'query($a: String) { approvals(after: $a) { nodes { id } } }', { a: b64(`0000-01-01T00:00:00.000Z|${NIL}`) }, 'after'],
  ['JSON nested 10,000 deep', 'mutation($i: JSON) { submitIntent(input: { type: "x", input: $i }) { id } }', { i: 'DEEP' }, 'input'],
  ['a 2,000-deep list literal', `{ intents(filter: { label: ${deepJson(2000)} }) { totalCount } }`, undefined, ''],
];

async function postRaw(query: string, variables: Record<string, unknown> | undefined) {
  // the deep value is spliced in as text: JSON.stringify of it would recurse 10,000 deep
  const body = JSON.stringify({ query, variables }).replace('"DEEP"', deepJson(10_000))
    .replace('"LEASED"', JSON.stringify(leased.id)).replace('"TOKEN"', JSON.stringify(leased.token));
  const res = await fetch(inst.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

it.each(cases)('%s is BAD_USER_INPUT naming the field, writes nothing, and is not logged as an error', async (_name, query, vars, field) => {
  const before = await fingerprint(tdb.db);
  const r = await postRaw(query, vars);
  expect(r.status).toBeLessThan(500);
  expect(r.json.errors, JSON.stringify(r.json)).toHaveLength(1);
  const e = r.json.errors![0]!;
  expect(e.extensions.code).toBe('BAD_USER_INPUT');
  if (field) expect(e.extensions.field ?? e.message, e.message).toContain(field);
  else expect(e.extensions.limit).toBe(128);
  expect(await fingerprint(tdb.db)).toBe(before);
  expect(captured.errors()).toEqual([]);
  expect(captured.lines.some((l) => l.level === 20 && l.msg === 'request refused')).toBe(true);
});

it('an event cursor whose numbers overflow bigint is refused before any SQL, without a cursor to resume from', async () => {
  const before = await fingerprint(tdb.db);
  for (const cursor of [b64('e1:99999999999999999999:1'), b64('e1:1:9223372036854775808'), b64('e1:18446744073709551616:1')]) {
    const sub = sseSubscribe(inst.url, 'subscription($a: String) { intentEvents(after: $a) { seq } }', { a: cursor });
    const first = await sub.next();
    await sub.close();
    expect(first.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(first.errors[0].extensions.cursor).toBeUndefined();
    expect(JSON.stringify(first)).not.toMatch(/out of range|bigint|xid8/i);
  }
  // the largest values that fit are still cursors
  const fits = sseSubscribe(inst.url, 'subscription($a: String) { intentEvents(after: $a) { seq } }', { a: b64('e1:18446744073709551615:9223372036854775807') });
  const pending = fits.next();
  const settled = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('open'), 300))]);
  expect(settled).toBe('open');
  await fits.close();
  expect(await fingerprint(tdb.db)).toBe(before);
  expect(captured.errors()).toEqual([]);
});

it('a GET with unparsable variables or extensions is a 400 naming the parameter', async () => {
  for (const param of ['variables', 'extensions']) {
    const url = `${inst.url}?query=${encodeURIComponent('{ intents { totalCount } }')}&${param}=${encodeURIComponent('{nope')}`;
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: param });
  }
  expect(captured.errors()).toEqual([]);
});
