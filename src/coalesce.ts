/**
 * Group commit for one kind of write: a call goes out at once while fewer than
 * `maxInFlight` batches are running; calls that arrive while the limit is reached
 * wait and go together in the next batch. An idle server adds no delay, and a busy
 * one writes many rows per statement and round trip instead of one each.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
export interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}

interface Queued<T, R> extends Pending<T, R> {
  /** Runs a function in the caller's async context (its trace span, say). */
  within: <F>(fn: () => F) => F;
}

export class Coalescer<T, R> {
  private readonly flush: (batch: Pending<T, R>[]) => Promise<void>;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private queue: Queued<T, R>[] = [];
  private inFlight = 0;

  /**
   * `flush` settles every entry of its batch; any it leaves unsettled, or all of
   * them when it throws, are rejected with its error.
   */
  constructor(flush: (batch: Pending<T, R>[]) => Promise<void>, o: { maxInFlight: number; maxBatch: number }) {
    this.flush = flush;
    this.maxInFlight = o.maxInFlight;
    this.maxBatch = o.maxBatch;
  }

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject, within: AsyncLocalStorage.snapshot() });
      if (this.inFlight < this.maxInFlight) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const settled = batch.map((p) => {
          let done = false;
          return {
            item: p.item,
            resolve: (v: R) => { done = true; p.resolve(v); },
            reject: (e: unknown) => { done = true; p.reject(e); },
            get done() { return done; },
          };
        });
        try {
          // in the first caller's context, whose request waits for this batch, not the
          // context of whichever earlier request started the drain loop
          await batch[0]!.within(() => this.flush(settled));
          for (const s of settled) if (!s.done) s.reject(new Error('batch entry left unsettled'));
        } catch (err) {
          for (const s of settled) if (!s.done) s.reject(err);
        }
      }
    } finally {
      this.inFlight--;
    }
  }
}
