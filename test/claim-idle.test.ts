// A long poll that starts right after a claim found no more work waits first instead of
// running a claim statement that can only find nothing (services/idle-claims.ts). What
// users rely on still holds: work submitted before or while it waits is handed out, and
// a concurrency key freed by a completion wakes it. The claim poll is 60 s here, so only
// an announcement can wake a waiting claim within the test.
import { expect, it } from 'vitest';
import type { Axme } from '@axme/client';
import { useServed } from './helpers/served.ts';

let axme: Axme;

useServed({ AXME_CLAIM_POLL_MS: '60000' }, (s) => ({ axme } = s));

const claim = (type: string, waitSeconds: number, limit = 1, signal?: AbortSignal) =>
  axme.claimMany({ types: [type], agent: 'idle-test', limit, waitSeconds }, signal);

it('hands out work submitted after a claim found none, whether it came before or during the next long poll', async () => {
  const type = 'idle.submits';
  expect(await claim(type, 0)).toEqual([]);
  // announced before the long poll started: it runs its statement and finds it at once
  const before = await axme.submit({ type, input: {} });
  expect((await claim(type, 20)).map((l) => l.intent.id)).toEqual([before.id]);
  // after a claim that took less than its limit, the next long poll waits first; a submit wakes it
  const waiting = claim(type, 20);
  await new Promise((r) => setTimeout(r, 100));
  const during = await axme.submit({ type, input: {} });
  expect((await waiting).map((l) => l.intent.id)).toEqual([during.id]);
});

it('wakes a waiting claim when a completion frees the concurrency key it was blocked on', async () => {
  const type = 'idle.keyed';
  const a = await axme.submit({ type, input: {}, concurrencyKey: 'k', concurrencyLimit: 1 });
  const b = await axme.submit({ type, input: {}, concurrencyKey: 'k', concurrencyLimit: 1 });
  const [first] = await claim(type, 0, 2);
  expect(first?.intent.id).toBe(a.id);
  // b is blocked by a's key; without a wake the poll would sleep past the abort (the claim poll is 60 s)
  const waiting = claim(type, 20, 1, AbortSignal.timeout(10_000));
  await new Promise((r) => setTimeout(r, 100));
  await axme.completeMany([{ id: first!.intent.id, leaseToken: first!.token, output: { ok: true } }]);
  expect((await waiting).map((l) => l.intent.id)).toEqual([b.id]);
});
