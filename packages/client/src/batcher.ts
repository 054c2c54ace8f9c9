/**
 * Coalesces one kind of write into batch requests: the first goes out at once, and
 * those that arrive while a request is in flight go together in the next, so a busy
 * worker sends many items per round trip and an idle one adds no delay. A request
 * carries at most `maxBatch` items and about `maxBytes` of JSON (the server refuses
 * bodies over AXME_MAX_BODY_BYTES, 4 MiB by default, while one output may be up to
 * 1 MiB): a larger item goes alone.
 */

const utf8 = new TextEncoder();

/** Each item's own outcome, in item order: one refused item does not fail the rest. */
export type Outcome<R> = { ok: R } | { error: unknown };

interface Pending<I, R> {
  item: I;
  bytes: number;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, R> {
  private readonly send: (items: I[]) => Promise<Outcome<R>[]>;
  private readonly maxBatch: number;
  private readonly maxBytes: number;
  private queue: Pending<I, R>[] = [];
  private flushing = false;

  /** `send` answers one outcome per item, in order; when it throws, every item of its batch fails with its error. */
  constructor(send: (items: I[]) => Promise<Outcome<R>[]>, o: { maxBatch: number; maxBytes: number }) {
    this.send = send;
    this.maxBatch = o.maxBatch;
    this.maxBytes = o.maxBytes;
  }

  /** Resolves with the item's result, or rejects with the error that refused it. */
  add(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, bytes: utf8.encode(JSON.stringify(item)).length, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.fitting());
      try {
        const outcomes = await this.send(batch.map((p) => p.item));
        batch.forEach((p, i) => {
          const o = outcomes[i];
          if (!o) p.reject(new Error('the batch answered fewer results than items'));
          else if ('ok' in o) p.resolve(o.ok);
          else p.reject(o.error);
        });
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = false;
  }

  /** How many queued items the next request takes: at least one, then while they fit. */
  private fitting(): number {
    let n = 1;
    let bytes = this.queue[0]!.bytes;
    while (n < this.queue.length && n < this.maxBatch && bytes + this.queue[n]!.bytes <= this.maxBytes) bytes += this.queue[n++]!.bytes;
    return n;
  }
}
