/**
 * Coalesces a worker's completions into completeIntents requests: the first goes out
 * at once, and those that arrive while a request is in flight go together in the
 * next, so a busy worker completes many intents per round trip and an idle one adds
 * no delay.
 */
import type { AxmeClient, Intent } from './client.ts';

interface Pending {
  item: { id: string; leaseToken: string; output: unknown };
  resolve: (intent: Intent) => void;
  reject: (err: unknown) => void;
}

export class Completions {
  private readonly client: AxmeClient;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  private flushing = false;

  /** maxBatch: items per request; the server takes at most 1000. */
  constructor(client: AxmeClient, maxBatch = 500) {
    this.client = client;
    this.maxBatch = maxBatch;
  }

  /** Resolves with the completed intent, or rejects with the error that refused this item. */
  complete(id: string, leaseToken: string, output: unknown): Promise<Intent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item: { id, leaseToken, output: output ?? null }, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.client.completeMany(batch.map((p) => p.item));
        results.forEach((r, i) => ('intent' in r ? batch[i]!.resolve(r.intent) : batch[i]!.reject(r.error)));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = false;
  }
}
