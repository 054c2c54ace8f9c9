/**
 * Group commit for one kind of write: a call goes out at once when no batch of its
 * kind is running; calls that arrive meanwhile wait and go together in the next
 * batch. An idle server adds no delay, and a busy one writes many rows per
 * statement and round trip instead of one each.
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
  settled: boolean;
}

export class Coalescer<T, R> {
  private readonly flush: (batch: Pending<T, R>[]) => Promise<void>;
  private readonly maxItems: number;
  private queue: Queued<T, R>[] = [];
  private running = false;

  /**
   * `flush` settles every entry of its batch; any it leaves unsettled, or all of
   * them when it throws, are rejected with its error. A flush must not throw for one
   * refused row: write-groups.ts retries a refused statement one entry at a time, so
   * each caller gets its own answer.
   */
  constructor(flush: (batch: Pending<T, R>[]) => Promise<void>, o: { maxItems: number }) {
    this.flush = flush;
    this.maxItems = o.maxItems;
  }

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const q: Queued<T, R> = {
        item,
        resolve: (value) => ((q.settled = true), resolve(value)),
        reject: (err) => ((q.settled = true), reject(err)),
        within: AsyncLocalStorage.snapshot(),
        settled: false,
      };
      this.queue.push(q);
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxItems);
        try {
          // in the first caller's context, whose request waits for this batch, not the
          // context of whichever earlier request started the drain loop
          await batch[0]!.within(() => this.flush(batch));
          // an Error (and its stack) only for a batch that left some open, not for every batch
          if (batch.some((p) => !p.settled)) {
            const left = new Error('batch entry left unsettled');
            for (const p of batch) if (!p.settled) p.reject(left);
          }
        } catch (err) {
          for (const p of batch) if (!p.settled) p.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
