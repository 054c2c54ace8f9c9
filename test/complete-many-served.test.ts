/**
 * completeIntents as a worker sends it, through the typed client to a listening server:
 * items naming one intent settle in the order sent, and an intent named more than 10
 * times gets BAD_USER_INPUT for the rest, each item on its own.
 */
import { expect, it } from 'vitest';
import { BadUserInputError, ConflictError } from '@axme/client';
import { type Served, useServed } from './helpers/served.ts';

let s: Served;
useServed({}, (x) => (s = x));

it('settles one intent’s items in the order sent, and refuses an eleventh, over HTTP', async () => {
  const type = `complete-many-served.${Date.now()}`;
  await s.axme.submit({ type, input: {} });
  const [lease] = await s.axme.claimMany({ types: [type], limit: 1 });
  const bogus = '00000000-0000-7000-8000-000000000000';
  const results = await s.axme.completeMany([
    { id: lease!.intent.id.toUpperCase(), leaseToken: lease!.token, output: 'first' },
    ...Array.from({ length: 10 }, () => ({ id: lease!.intent.id, leaseToken: bogus, output: 'again' })),
  ]);
  expect(results[0]).toMatchObject({ intent: { status: 'COMPLETED', output: 'first' } });
  for (const r of results.slice(1, 10)) expect((r as { error: unknown }).error).toBeInstanceOf(ConflictError);
  expect((results[10] as { error: unknown }).error).toBeInstanceOf(BadUserInputError);
});
