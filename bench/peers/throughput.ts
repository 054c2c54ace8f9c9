// How the peers are timed: their workers run on their own, so count completions in the
// handler, skip a warm-up (pollers settle, pg-boss's burst mode kicks in), then take the
// rate over a bounded window.
import { type Rate, sleep } from '../lib.ts';

/** A subject prepared once (queue filled) and measured in several windows. */
export interface Subject {
  measure(seconds: number): Promise<Rate>;
  close(): Promise<void>;
}

export async function windowRate(counter: () => number, seconds: number, warmupMs: number, queued: number): Promise<Rate> {
  await sleep(warmupMs);
  const c0 = counter();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const count = counter() - c0;
  const elapsed = (performance.now() - t0) / 1000;
  if (counter() >= queued) console.error(`  warning: the queue of ${queued} ran dry; the rate is understated`);
  return { perSecond: count / elapsed, count, errors: 0, seconds: elapsed };
}
