/**
 * The worker runtime: claims as many intents as it has free slots in one long poll,
 * runs the handler on each, heartbeats while it runs, and completes or fails the
 * intent with what the handler did (completions that finish together go in one request).
 */
import { type AxmeClient, type Lease, sleep } from './client.ts';
import { Completions } from './completions.ts';
import { BudgetExceededError, ConflictError, LeaseLostError, NonRetryableError, RetryAfterError } from './errors.ts';
import * as ops from './generated/graphql.ts';
import { IntentRun } from './run.ts';
import { WorkerSessionKeeper, envIdentity } from './session.ts';

export interface WorkerOptions {
  /** Intent types this worker handles. */
  types: string[];
  /** Intents handled at once. Default 1. */
  concurrency?: number;
  /** Lease length; the worker heartbeats every third of it. Default 60. */
  leaseSeconds?: number;
  /** Name shown as lease holder and event actor. Default host:pid. */
  agent?: string;
  /** Long-poll length of each claim. Default 20. */
  waitSeconds?: number;
  /** Default leaseSeconds * 1000 / 3. */
  heartbeatMs?: number;
  /**
   * Who this worker is across restarts (default: AXME_WORKER_IDENTITY, else none). A
   * restart announcing the identity of its previous session gets that session's leases
   * back at once; without one they go back sessionSeconds after the last heartbeat.
   * Two workers running at once must not share one: the later one takes over.
   */
  identity?: string;
  /** Without a heartbeat for this long the server ends the session and releases its leases. Default: the server's (10 s). */
  sessionSeconds?: number;
  /** Register a worker session (default true); false claims without one, leases then last until they expire. */
  session?: boolean;
  /** Called with errors the worker handled itself (network, a lost lease). Default: console.error. */
  onError?: (err: unknown, intentId?: string) => void;
  /** Called with each error a handler threw, before the intent is failed with it. Default: console.error with id, type and attempt. */
  onHandlerError?: (err: unknown, intent: { id: string; type: string; attempt: number }) => void;
}

/**
 * host:pid in Node (through process.getBuiltinModule, so bundlers see no node: import
 * and the package builds for browsers as is); a random name elsewhere.
 */
function defaultAgent(): string {
  type NodeProcess = { pid: number; getBuiltinModule?: (id: string) => { hostname(): string } | undefined };
  const p = (globalThis as { process?: NodeProcess }).process;
  const os = p?.getBuiltinModule?.('node:os');
  return os ? `${os.hostname()}:${p!.pid}` : `worker-${Math.random().toString(36).slice(2, 10)}`;
}

/** The most intents one claimIntents request may ask for. */
const MAX_CLAIM = 1000;

export type Handler<Input = unknown> = (run: IntentRun<Input>) => Promise<unknown> | unknown;

export class Worker {
  /** Resolves when the worker has stopped and every handler has returned. */
  readonly done: Promise<void>;
  private readonly client: AxmeClient;
  private readonly o: Required<Omit<WorkerOptions, 'heartbeatMs' | 'identity' | 'sessionSeconds' | 'session'>> & { heartbeatMs: number };
  private readonly session: WorkerSessionKeeper | null;
  private readonly handler: Handler<any>;
  private readonly stopClaims = new AbortController();
  private readonly completions: Completions;
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(client: AxmeClient, o: WorkerOptions, handler: Handler<any>) {
    this.client = client;
    const leaseSeconds = o.leaseSeconds ?? 60;
    this.o = {
      types: o.types,
      concurrency: o.concurrency ?? 1,
      leaseSeconds,
      agent: o.agent ?? defaultAgent(),
      waitSeconds: o.waitSeconds ?? 20,
      heartbeatMs: o.heartbeatMs ?? (leaseSeconds * 1000) / 3,
      onError: o.onError ?? ((err, id) => console.error(`axme worker${id ? ` (intent ${id})` : ''}:`, err)),
      onHandlerError: o.onHandlerError ?? ((err, i) => console.error(`axme worker: handler failed (intent ${i.id}, type ${i.type}, attempt ${i.attempt}):`, err)),
    };
    if (!Number.isInteger(this.o.concurrency) || this.o.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number of at least 1, not ${o.concurrency}`);
    }
    this.handler = handler;
    this.completions = new Completions(client);
    this.session = o.session === false ? null : new WorkerSessionKeeper(client, {
      identity: o.identity ?? envIdentity(), name: this.o.agent, types: this.o.types, concurrency: this.o.concurrency,
      sessionSeconds: o.sessionSeconds ?? null, onError: (err) => this.o.onError(err), log: (m) => console.warn(m),
      onReplaced: () => void this.stop(),
    });
    this.done = this.claimLoop();
  }

  /**
   * Stops claiming, lets running handlers finish, then ends the worker session; resolves
   * when all that is done. Work claimed but not started goes back without spending an attempt.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopClaims.abort(new Error('worker stopping'));
    await this.done;
  }

  /** One claim in flight at a time, for as many intents as there are free slots. */
  private async claimLoop(): Promise<void> {
    // its step records and completions go over a socket held while it runs
    const releaseWrites = this.client.holdWrites();
    try {
      await this.session?.start();
      try {
        await this.claimWhileRunning();
      } finally {
        await this.session?.stop();
      }
    } finally {
      await releaseWrites();
    }
  }

  private async claimWhileRunning(): Promise<void> {
    let backoff = 100;
    while (!this.stopping) {
      const free = this.o.concurrency - this.running.size;
      if (free === 0) {
        await Promise.race(this.running);
        continue;
      }
      let leases: Lease[];
      try {
        leases = await this.client.claimMany(
          {
            types: this.o.types, agent: this.o.agent, leaseSeconds: this.o.leaseSeconds, waitSeconds: this.o.waitSeconds,
            limit: Math.min(free, MAX_CLAIM), workerId: this.session?.id ?? null,
          },
          this.stopClaims.signal,
        );
        backoff = 100;
      } catch (err) {
        if (this.stopping) break;
        this.o.onError(err);
        await sleep(backoff).catch(() => {});
        backoff = Math.min(backoff * 2, 5000);
        continue;
      }
      if (this.stopping) {
        // answered after stop(): nothing was started, so the leases go back unspent
        await Promise.all(leases.map((l) => this.client.release(l.intent.id, l.token).catch((err) => this.o.onError(err, l.intent.id))));
        break;
      }
      for (const lease of leases) {
        const running: Promise<void> = this.run(lease).finally(() => this.running.delete(running));
        this.running.add(running);
      }
      // the next long poll goes after the handlers' first requests (their first step), not
      // before them: the server takes requests in order, and the poll only waits
      if (leases.length > 0) await afterPendingWork();
    }
    await Promise.all(this.running);
  }

  private async run(lease: Lease): Promise<void> {
    const lost = new AbortController();
    // a durable wait released the lease: stop heartbeats and steps, neither complete nor fail
    const run = new IntentRun(stopsOnBudget(this.client, lost), lease, lost.signal, (suspended) => lost.abort(suspended));
    const id = lease.intent.id;
    const heartbeat = setInterval(() => {
      this.client
        .request(ops.HeartbeatIntentDocument, { input: { id, leaseToken: lease.token, leaseSeconds: this.o.leaseSeconds } })
        .catch((err) => {
          if (err instanceof LeaseLostError || err instanceof ConflictError || err instanceof BudgetExceededError) lost.abort(err);
          else this.o.onError(err, id);
        });
    }, this.o.heartbeatMs);
    try {
      let output: unknown;
      let lastStep: ops.LastStepInput | null;
      try {
        output = await this.handler(run);
        lastStep = await run.finish();
      } catch (err) {
        if (lost.signal.aborted) return;
        this.o.onHandlerError(err, { id, type: lease.intent.type, attempt: lease.intent.attempt });
        // what the handler streamed before it threw is kept for whoever reads the failure
        await run.flush().catch(() => {});
        await this.fail(id, lease.token, err);
        return;
      }
      if (lost.signal.aborted) return;
      await this.completions.complete(id, lease.token, output, lastStep);
    } catch (err) {
      this.o.onError(err, id);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async fail(id: string, leaseToken: string, err: unknown): Promise<void> {
    const e = err instanceof Error ? err : new Error(String(err));
    await this.client.request(ops.FailIntentDocument, {
      input: {
        id,
        leaseToken,
        error: {
          message: e.message || e.name,
          code: (e as { code?: unknown }).code != null ? String((e as { code?: unknown }).code) : e.name,
          retryable: !(err instanceof NonRetryableError),
          details: (e as { details?: unknown }).details ?? null,
        },
        retryAfterSeconds: err instanceof RetryAfterError ? err.seconds : null,
      },
    });
  }
}

/**
 * The client a run makes its lease calls with: the first BUDGET_EXCEEDED answer aborts the
 * handler's signal with that error. The engine has already stopped the intent (failed it, or
 * made it wait for a human to raise the budget), so the worker neither completes nor fails it.
 */
function stopsOnBudget(client: AxmeClient, lost: AbortController): AxmeClient {
  const watching = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await call;
    } catch (err) {
      if (err instanceof BudgetExceededError && !lost.signal.aborted) lost.abort(err);
      throw err;
    }
  };
  const leased = Object.create(client) as AxmeClient;
  leased.request = (doc, variables, signal) => watching(client.request(doc, variables, signal));
  // on the client itself, whose step batches carry every run's steps; the error is this run's own item's
  leased.recordStep = (input) => watching(client.recordStep(input));
  return leased;
}

/** Resolves once the work already queued (promise jobs, and the writes they start) has run: a macrotask later. */
function afterPendingWork(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
