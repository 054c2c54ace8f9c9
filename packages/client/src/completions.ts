/**
 * A worker's completions, coalesced into completeIntents requests (batcher.ts): those
 * that finish together go in one request.
 */
import type { AxmeClient, Intent } from './client.ts';
import type { LastStepInput } from './generated/graphql.ts';
import { Batcher, type Outcome } from './batcher.ts';

interface Item {
  id: string;
  leaseToken: string;
  output: unknown;
  lastStep?: LastStepInput;
}

export class Completions {
  private readonly batcher: Batcher<Item, Intent>;

  /** maxBatch: items per request (the server takes at most 1000); maxBytes: JSON per request. */
  constructor(client: AxmeClient, maxBatch = 500, maxBytes = 1024 * 1024) {
    this.batcher = new Batcher(
      async (items) => (await client.completeMany(items)).map((r): Outcome<Intent> => ('intent' in r ? { ok: r.intent } : { error: r.error })),
      { maxBatch, maxBytes },
    );
  }

  /** Resolves with the completed intent, or rejects with the error that refused this item. `lastStep` is recorded with it. */
  complete(id: string, leaseToken: string, output: unknown, lastStep?: LastStepInput | null): Promise<Intent> {
    return this.batcher.add({ id, leaseToken, output: output ?? null, ...(lastStep ? { lastStep } : {}) });
  }
}
