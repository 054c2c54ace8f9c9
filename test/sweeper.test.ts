import { expect, it } from 'vitest';
import { ManualClock } from '../src/core/clock.ts';
import { createLogger } from '../src/core/log.ts';
import { Sweeper } from '../src/sweeps/sweeper.ts';

it('calls a task again while it reports full batches, and keeps going after a task fails', async () => {
  const s = new Sweeper({ clock: new ManualClock(), log: createLogger('silent'), intervalMs: 1000, batchSize: 10 });
  const left = [25];
  s.register('drain', async () => {
    const n = Math.min(10, left[0]!);
    left[0]! -= n;
    return n;
  });
  s.register('broken', async () => {
    throw new Error('boom');
  });
  let after = 0;
  s.register('after', async () => ++after && 0);
  expect(await s.sweep()).toEqual({ drain: 25, broken: 0, after: 0 });
  expect(after).toBe(1);
  expect(() => s.register('drain', async () => 0)).toThrow(/twice/);
  await s.stop();
});
