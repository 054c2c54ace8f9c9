/**
 * A worker's completions, coalesced into completeIntents requests (batcher.ts): those
 * that finish together go in one request, each answered with whether it completed, not
 * with the intent (whose input and output the worker has).
 */
import type { AxmeClient } from './client.ts';
import type { LastStepInput } from './generated/graphql.ts';
import { Batcher, type Outcome } from './batcher.ts';

interface Item {
  id: string;
  leaseToken: string;
  output: unknown;
  lastStep?: LastStepInput;
}

export class Completions {
  private readonly batcher: Batcher<Item, true>;

  /** maxBatch: items per request (the server takes at most 1000); maxBytes: JSON per request. */
  constructor(client: AxmeClient, maxBatch = 500, maxBytes = 1024 * 1024) {
    this.batcher = new Batcher(
      async (items) => (await client.completeManyAcknowledged(items)).map((r): Outcome<true> => ('ok' in r ? { ok: true } : { error: r.error })),
      { maxBatch, maxBytes },
    );
  }

  /** Resolves once the intent completed, or rejects with the error that refused this item. `lastStep` is recorded with it. */
  complete(id: string, leaseToken: string, output: unknown, lastStep?: LastStepInput | null): Promise<true> {
    return this.batcher.add({ id, leaseToken, output: output ?? null, ...(lastStep ? { lastStep } : {}) });
  }
}
