/**
 * Coalesces a worker's completions into completeIntents requests: the first goes out
 * at once, and those that arrive while a request is in flight go together in the
 * next, so a busy worker completes many intents per round trip and an idle one adds
 * no delay. A request carries at most `maxBatch` items and about `maxBytes` of JSON
 * (the server refuses bodies over AXME_MAX_BODY_BYTES, 4 MiB by default, while one
 * output may be up to 1 MiB): a larger output goes alone.
 */
import type { AxmeClient, Intent } from './client.ts';
import type { LastStepInput } from './generated/graphql.ts';

const utf8 = new TextEncoder();

interface Pending {
  item: { id: string; leaseToken: string; output: unknown; lastStep?: LastStepInput };
  bytes: number;
  resolve: (intent: Intent) => void;
  reject: (err: unknown) => void;
}

export class Completions {
  private readonly client: AxmeClient;
  private readonly maxBatch: number;
  private readonly maxBytes: number;
  private queue: Pending[] = [];
  private flushing = false;

  /** maxBatch: items per request (the server takes at most 1000); maxBytes: JSON per request. */
  constructor(client: AxmeClient, maxBatch = 500, maxBytes = 1024 * 1024) {
    this.client = client;
    this.maxBatch = maxBatch;
    this.maxBytes = maxBytes;
  }

  /** Resolves with the completed intent, or rejects with the error that refused this item. `lastStep` is recorded with it. */
  complete(id: string, leaseToken: string, output: unknown, lastStep?: LastStepInput | null): Promise<Intent> {
    return new Promise((resolve, reject) => {
      const item = { id, leaseToken, output: output ?? null, ...(lastStep ? { lastStep } : {}) };
      this.queue.push({ item, bytes: utf8.encode(JSON.stringify(item)).length, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.fitting());
      try {
        const results = await this.client.completeMany(batch.map((p) => p.item));
        results.forEach((r, i) => ('intent' in r ? batch[i]!.resolve(r.intent) : batch[i]!.reject(r.error)));
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
