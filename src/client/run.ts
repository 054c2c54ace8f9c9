/**
 * One attempt of one intent inside a worker: the handler's view of it. Durable
 * steps and state live in the intent's checkpoint, so a retry, a crash or a resume
 * on another machine picks up where this attempt left off.
 */
import type { AxmeClient, Intent, Lease } from './client.ts';
import * as ops from './generated/graphql.ts';

/** The checkpoint layout the SDK writes: step results by name, and the handler's own state. */
interface SdkCheckpoint {
  steps: Record<string, { value: unknown }>;
  state: unknown;
}

function readCheckpoint(raw: unknown): SdkCheckpoint {
  const c = raw as Partial<SdkCheckpoint> | null;
  if (c && typeof c === 'object' && c.steps && typeof c.steps === 'object') return { steps: { ...c.steps }, state: c.state ?? null };
  // a checkpoint written by plain API calls is the handler's state
  return { steps: {}, state: raw ?? null };
}

export class IntentRun<Input = unknown> {
  readonly intent: Intent;
  readonly leaseToken: string;
  /** Aborted when the lease is lost or the intent is cancelled: stop and return. */
  readonly signal: AbortSignal;
  private readonly client: AxmeClient;
  private cp: SdkCheckpoint;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown = null;

  constructor(client: AxmeClient, lease: Lease, signal: AbortSignal) {
    this.client = client;
    this.intent = lease.intent;
    this.leaseToken = lease.token;
    this.signal = signal;
    this.cp = readCheckpoint(lease.intent.checkpoint);
  }

  get id(): string {
    return this.intent.id;
  }

  get input(): Input {
    return this.intent.input as Input;
  }

  /** Which attempt this is (1 on the first claim). */
  get attempt(): number {
    return this.intent.attempt;
  }

  /** The state last saved with checkpoint(), from this or an earlier attempt. */
  get state(): unknown {
    return this.cp.state;
  }

  /**
   * Runs fn once per intent: its result is stored in the checkpoint, and every later
   * attempt gets the stored result without calling fn. fn may be anything: an LLM
   * call, sampling, a payment. Names must be unique within the intent.
   */
  async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    if (Object.hasOwn(this.cp.steps, name)) return this.cp.steps[name]!.value as T;
    this.signal.throwIfAborted();
    const value = await fn();
    this.cp.steps[name] = { value };
    await this.save();
    return value;
  }

  /** Replaces the handler's saved state. */
  async checkpoint(state: unknown): Promise<void> {
    this.cp.state = state;
    await this.save();
  }

  /** Waits for every checkpoint write so far; rethrows the first that failed. */
  async flush(): Promise<void> {
    await this.writes;
    if (this.writeError) throw this.writeError;
  }

  // Writes go one at a time, each with the whole checkpoint as it is then, so
  // steps run in parallel cannot overwrite each other.
  private save(): Promise<void> {
    this.writes = this.writes.then(async () => {
      if (this.writeError) return;
      try {
        await this.client.request(ops.CheckpointIntentDocument, {
          input: { id: this.intent.id, leaseToken: this.leaseToken, checkpoint: structuredClone(this.cp) },
        });
      } catch (err) {
        this.writeError = err;
      }
    });
    return this.flush();
  }
}
