// The package's client entry: `import { createClient } from 'axme/client'`.
import { AxmeClient, type ClientOptions } from './client.ts';
import { type Handler, Worker, type WorkerOptions } from './worker.ts';

export class Axme extends AxmeClient {
  /** Starts a worker that handles intents of `o.types` until stop(). */
  worker<Input = unknown>(o: WorkerOptions, handler: Handler<Input>): Worker {
    return new Worker(this, o, handler);
  }
}

export function createClient(o: ClientOptions): Axme {
  return new Axme(o);
}

export type { ClientOptions, Intent, IntentEvent, Lease, SubmitIntentInput, IntentFilter, IntentStatus } from './client.ts';
export type { Handler, WorkerOptions } from './worker.ts';
export { Worker } from './worker.ts';
export { IntentRun } from './run.ts';
export * from './errors.ts';
