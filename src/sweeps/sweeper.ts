/**
 * Background work every instance runs on a timer: each registered task finds what
 * is due at `now` (expired leases, deadlines, timers, old rows) and handles it.
 * Tasks must be safe with many instances sweeping at once (SKIP LOCKED or guarded
 * updates) and do bounded work per call; the sweeper calls a task again at once
 * while it reports a full batch.
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import { SWEEP_BATCH } from '../core/sweep.ts';

/** Handles what is due at `now`; returns how many rows it changed. */
export type SweepTask = (now: Date) => Promise<number>;

export interface SweeperOptions {
  clock: Clock;
  log: Logger;
  /** Milliseconds between sweeps (AXME_SWEEP_MS). */
  intervalMs: number;
  /** A task that changed this many rows is called again before the next interval. Default SWEEP_BATCH. */
  batchSize?: number;
}

export class Sweeper {
  private readonly tasks = new Map<string, SweepTask>();
  private readonly o: SweeperOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(o: SweeperOptions) {
    this.o = o;
  }

  register(name: string, task: SweepTask): void {
    if (this.tasks.has(name)) throw new Error(`sweep task ${name} registered twice`);
    this.tasks.set(name, task);
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.sweep();
        if (!this.stopped) tick();
      }, this.o.intervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Runs every task once (tests call this after moving the clock). Returns rows changed per task. */
  async sweep(): Promise<Record<string, number>> {
    while (this.running) await this.running;
    const counts: Record<string, number> = {};
    const run = (async () => {
      for (const [name, task] of this.tasks) {
        counts[name] = 0;
        try {
          for (let round = 0; round < 100 && !this.stopped; round++) {
            const n = await task(this.o.clock.now());
            counts[name] += n;
            if (n < (this.o.batchSize ?? SWEEP_BATCH)) break;
          }
        } catch (err) {
          this.o.log.error({ err, task: name }, 'sweep task failed; it runs again next interval');
        }
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
    return counts;
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
