/**
 * One attempt of one intent inside a worker: the handler's view of it. Each durable
 * step is recorded once in its own record (recordStep), and waits and the handler's
 * state live in the checkpoint, so a retry, a crash or a resume on another machine
 * picks up where this attempt left off.
 */
import type { AxmeClient, Intent, Lease } from './client.ts';
import { DuplicateStepError, NonRetryableError } from './errors.ts';
import { StreamWriter, type StreamWriterOptions } from './stream.ts';
import * as ops from './generated/graphql.ts';
import { type LlmUsage, type StepOptions, usageFor } from './usage.ts';
import {
  type ApprovalDecision, type ChildrenResult, type SignalResult, type Wake, type WaitKind, type WaitRecord, outcomeOf,
} from './wait-outcomes.ts';

/**
 * The checkpoint layout the SDK writes: durable waits by key and the handler's own state.
 * `steps` holds results by name as SDKs before step records (migration 012) wrote them:
 * they are replayed, never added to.
 */
interface SdkCheckpoint {
  steps: Record<string, { value: unknown }>;
  waits?: Record<string, WaitRecord>;
  state: unknown;
}

function readCheckpoint(raw: unknown): SdkCheckpoint {
  const c = raw as Partial<SdkCheckpoint> | null;
  if (c && typeof c === 'object' && c.steps && typeof c.steps === 'object') {
    return { steps: { ...c.steps }, waits: { ...c.waits }, state: c.state ?? null };
  }
  // a checkpoint written by plain API calls is the handler's state
  return { steps: {}, waits: {}, state: raw ?? null };
}

/**
 * Thrown by a durable wait once the intent is WAITING and its lease released: the
 * run ends without completing or failing, and the handler runs again from the top
 * when the wait is over. Do not catch it (or rethrow it if you do).
 */
export class Suspended extends Error {
  override name = 'Suspended';
  readonly kind: WaitKind;
  constructor(kind: WaitKind) {
    super(`the intent is waiting (${kind}); the handler runs again when the wait is over`);
    this.kind = kind;
  }
}

export interface ApprovalRequest {
  title: string;
  description?: string;
  /** Default approval. */
  type?: string;
  /** Allowed outcomes. Default ['approve', 'reject']. */
  options?: string[];
  assignees?: string[];
  formSchema?: unknown;
  requireComment?: boolean;
  timeoutSeconds?: number;
  onTimeout?: 'REJECT' | 'FAIL' | 'ESCALATE';
  escalateTo?: string[];
}

/** Waits are told apart by call order within the run; `key` names one explicitly instead. */
export interface WaitKey {
  key?: string;
}

export class IntentRun<Input = unknown> {
  readonly intent: Intent;
  readonly leaseToken: string;
  /** Aborted when the lease is lost or the intent is cancelled: stop and return. */
  readonly signal: AbortSignal;
  private readonly client: AxmeClient;
  private readonly stepsThisRun = new Set<string>();
  /** Steps with a stored result (the claim's stepNames): replayed, their outputs read as they are reached. */
  private readonly recorded: Set<string>;
  private cp: SdkCheckpoint;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown = null;
  /** A successful step marked `last`, not yet sent: it goes with the completion, or before any later write. */
  private held: ops.LastStepInput | null = null;
  private readonly lastWake: Wake | null;
  private seq: number;
  private waitCalls = 0;
  private readonly streams = new Map<string, StreamWriter>();
  private readonly onSuspend: (reason: Suspended) => void;
  /** Set once a durable wait has released the lease: the worker neither completes nor fails the run. */
  suspended: Suspended | null = null;

  constructor(client: AxmeClient, lease: Lease, signal: AbortSignal, onSuspend: (reason: Suspended) => void = () => {}) {
    this.client = client;
    this.intent = lease.intent;
    this.leaseToken = lease.token;
    this.signal = signal;
    this.cp = readCheckpoint(lease.intent.checkpoint);
    this.recorded = new Set(lease.intent.stepNames ?? []);
    this.lastWake = lease.intent.lastWake ?? null;
    this.seq = lease.intent.lastSeq;
    this.onSuspend = onSuspend;
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
   * Runs fn once per intent: its result is recorded on its own (recordStep), and every
   * later attempt gets the recorded result without calling fn. fn may be anything: an
   * LLM call, sampling, a payment. Names must be unique within the intent. A step that
   * throws records its error (STEP_FAILED) and the error goes on to the handler.
   * `options.usage` records the LLM usage of the result with it: `'openai'` reads an
   * OpenAI-compatible response's `usage` and `model` (usageOf), a function returns it.
   */
  async step<T>(name: string, fn: () => Promise<T> | T, options: StepOptions<T> = {}): Promise<T> {
    // a step's name is its identity across runs; numbering repeats by call order (as
    // inngest-js does) would give a step another's result when a run takes another branch
    if (this.stepsThisRun.has(name)) {
      throw new DuplicateStepError(`step "${name}" already ran in this run: give each step its own name (for example "search:\${i}")`);
    }
    this.stepsThisRun.add(name);
    if (Object.hasOwn(this.cp.steps, name)) return this.cp.steps[name]!.value as T;
    if (this.recorded.has(name)) return (await this.recordedOutput(name)) as T;
    // a step marked last was not: it is durable before this one runs
    if (this.held) {
      this.sendHeld();
      await this.flushWrites();
    }
    this.signal.throwIfAborted();
    const started = performance.now();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      if (!this.signal.aborted && !(err instanceof Suspended)) await this.record(name, started, { error: stepError(err) }).catch(() => {});
      throw err;
    }
    const usage = usageFor(options.usage, value);
    if (options.last) {
      this.sendHeld();
      this.held = { name, output: value ?? null, durationMs: elapsed(started), usage: usage?.length ? usage : null };
      return value;
    }
    await this.record(name, started, { output: value ?? null, usage });
    return value;
  }

  /** Queues the step held back by `last` as a record of its own: something durable follows it after all. */
  private sendHeld(): void {
    const h = this.held;
    if (!h) return;
    this.held = null;
    void this.enqueue(() => this.recordStep({ ...h, error: null })).catch(() => {});
  }

  /**
   * For the worker once the handler returned: waits for every write and stream append,
   * and hands over the step held back by `last`, which the completion carries.
   */
  async finish(): Promise<ops.LastStepInput | null> {
    const held = this.held;
    this.held = null;
    try {
      await this.flush();
    } catch (err) {
      this.held = held;
      throw err;
    }
    return held;
  }

  /** A recorded step's output, read when the step is replayed (the claim carries only names). */
  private async recordedOutput(name: string): Promise<unknown> {
    const d = await this.client.request(ops.StepOutputDocument, { id: this.id, name });
    const rec = d.intent?.steps.find((s) => s.status === 'COMPLETED');
    if (!rec) throw new NonRetryableError(`step "${name}" was recorded but its result is gone`);
    return rec.output ?? null;
  }

  /** Writes one step record in turn with checkpoint writes, so the log keeps the order they happened in. */
  private record(name: string, started: number, r: { output?: unknown; error?: ops.StepErrorInput; usage?: LlmUsage[] }): Promise<void> {
    const durationMs = elapsed(started);
    return this.write(() => this.recordStep({ name, durationMs, output: r.output ?? null, error: r.error ?? null, usage: r.usage?.length ? r.usage : null }));
  }

  private async recordStep(r: Omit<ops.RecordStepInput, 'id' | 'leaseToken'>): Promise<void> {
    const step = await this.client.recordStep({ id: this.id, leaseToken: this.leaseToken, ...r });
    this.seq = Math.max(this.seq, step.seq);
  }

  /** Replaces the handler's saved state. */
  async checkpoint(state: unknown): Promise<void> {
    this.cp.state = state;
    await this.save();
  }

  /** Live progress for watchers (intentChanged, `axme watch`); not stored as an event. Replaces the previous value. */
  async progress(data: unknown): Promise<void> {
    this.signal.throwIfAborted();
    await this.client.request(ops.ReportProgressDocument, { input: { id: this.id, leaseToken: this.leaseToken, progress: data } });
  }

  /**
   * The named output stream of this intent: `write(text)` buffers and appends in
   * batches under this run's lease; readers follow it live with client.stream(id, name)
   * and resume after a disconnect with nothing lost. Flushed before the run completes,
   * fails or waits. The same writer for the same name.
   */
  stream(name: string, o: StreamWriterOptions = {}): StreamWriter {
    let w = this.streams.get(name);
    if (!w) {
      w = new StreamWriter((doc, v) => this.client.request(doc, v), { id: this.id, leaseToken: this.leaseToken }, name, o);
      this.streams.set(name, w);
    }
    return w;
  }

  /**
   * Submits a child intent once per key (an idempotency key derived from this
   * intent), so a re-run does not submit it again. Wait for children with waitForChildren().
   */
  async child(key: string, input: Omit<ops.SubmitIntentInput, 'parentId' | 'idempotencyKey'>): Promise<Intent> {
    if (this.held) await this.flush();
    return this.client.submit({ ...input, parentId: this.id, idempotencyKey: `${this.id}/${key}` });
  }

  /**
   * Asks a human and returns the decision. The first time, the intent becomes
   * WAITING and this run ends (the worker is free); when someone resolves the
   * approval, the handler runs again, its finished steps return stored results,
   * and this call returns the decision ({timedOut: true} when onTimeout rejected it).
   */
  requestApproval(req: ApprovalRequest, o: WaitKey = {}): Promise<ApprovalDecision> {
    return this.durableWait('approval', o.key, {}, (checkpoint) =>
      this.client.request(ops.RequestApprovalDocument, { input: { id: this.id, leaseToken: this.leaseToken, approval: req, checkpoint } }),
    ) as Promise<ApprovalDecision>;
  }

  /** The payload of the next signal `name` (one sent earlier counts), or {timedOut: true} after timeoutSeconds. */
  waitForSignal(name: string, o: WaitKey & { timeoutSeconds?: number } = {}): Promise<SignalResult> {
    return this.durableWait('signal', o.key, { name }, (checkpoint) =>
      this.client.request(ops.WaitForSignalDocument, {
        input: { id: this.id, leaseToken: this.leaseToken, name, timeoutSeconds: o.timeoutSeconds ?? null, checkpoint },
      }),
    ) as Promise<SignalResult>;
  }

  /** Every child's status and output once all of them are COMPLETED, FAILED or CANCELLED. */
  waitForChildren(o: WaitKey = {}): Promise<ChildrenResult> {
    return this.durableWait('children', o.key, {}, (checkpoint) =>
      this.client.request(ops.WaitForChildrenDocument, { input: { id: this.id, leaseToken: this.leaseToken, checkpoint } }),
    ) as Promise<ChildrenResult>;
  }

  /** Sleeps until a time (or for seconds) without holding a worker. The wake time is fixed on the first call. */
  async sleep(untilOrSeconds: Date | number, o: WaitKey = {}): Promise<void> {
    const until = typeof untilOrSeconds === 'number' ? new Date(Date.now() + untilOrSeconds * 1000) : untilOrSeconds;
    await this.durableWait('sleep', o.key, { until: until.toISOString() }, (checkpoint, rec) =>
      this.client.request(ops.SleepIntentDocument, { input: { id: this.id, leaseToken: this.leaseToken, until: rec.until!, checkpoint } }),
    );
  }

  /** Waits for every checkpoint write and stream append so far; rethrows the first that failed. */
  async flush(): Promise<void> {
    this.sendHeld();
    await Promise.all([this.writes, ...[...this.streams.values()].map((s) => s.flush().catch(() => {}))]);
    if (this.writeError) throw this.writeError;
    for (const s of this.streams.values()) await s.flush();
  }

  private async durableWait(
    kind: WaitKind,
    explicitKey: string | undefined,
    fresh: Pick<WaitRecord, 'name' | 'until'>,
    begin: (checkpoint: SdkCheckpoint, rec: WaitRecord) => Promise<unknown>,
  ): Promise<unknown> {
    const key = explicitKey ?? `${kind}#${++this.waitCalls}`;
    const waits = (this.cp.waits ??= {});
    const rec = waits[key];
    if (rec && rec.kind !== kind) {
      throw new NonRetryableError(`wait "${key}" was a ${rec.kind} wait in an earlier run and is a ${kind} wait now: call waits in the same order on every run, or give them keys`);
    }
    if (rec?.done) return rec.result;
    if (rec && this.lastWake && this.lastWake.seq > rec.sinceSeq) {
      const result = await outcomeOf(this.client, this.id, rec, this.lastWake);
      if (result !== undefined) {
        waits[key] = { ...rec, done: true, result };
        await this.save();
        return result;
      }
    }
    // the first time, or the wait ended without a wake for it (an operator retried): wait (again)
    this.signal.throwIfAborted();
    await this.flush();
    const next: WaitRecord = { kind, sinceSeq: this.seq, ...fresh, ...(rec?.until ? { until: rec.until } : {}) };
    waits[key] = next;
    try {
      await begin(structuredClone(this.cp), next);
    } catch (err) {
      if (rec) waits[key] = rec;
      else delete waits[key];
      throw err;
    }
    this.suspended = new Suspended(kind);
    this.onSuspend(this.suspended);
    throw this.suspended;
  }

  // Writes go one at a time, each checkpoint with the whole checkpoint as it is then, so
  // steps run in parallel cannot overwrite each other.
  private save(): Promise<void> {
    return this.write(async () => {
      const d = await this.client.request(ops.CheckpointIntentDocument, {
        input: { id: this.intent.id, leaseToken: this.leaseToken, checkpoint: structuredClone(this.cp) },
      });
      this.seq = Math.max(this.seq, d.checkpointIntent.lastSeq);
    });
  }

  /** Queues one write after the others; the first that fails fails every later flush. */
  private write(w: () => Promise<void>): Promise<void> {
    this.sendHeld();
    return this.enqueue(w);
  }

  private enqueue(w: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(async () => {
      if (this.writeError) return;
      try {
        await w();
      } catch (err) {
        this.writeError = err;
      }
    });
    return this.flushWrites();
  }

  private async flushWrites(): Promise<void> {
    await this.writes;
    if (this.writeError) throw this.writeError;
  }
}

const elapsed = (started: number): number => Math.max(0, Math.round(performance.now() - started));

/** What the log keeps of an error a step threw. */
function stepError(err: unknown): ops.StepErrorInput {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { message: (e.message || e.name).slice(0, 10_000), code: (code != null ? String(code) : e.name).slice(0, 200), details: null };
}
