/**
 * What the service talks about: an intent, its error and its events, as every layer
 * above the database sees them. store/rows.ts maps table rows to these.
 */
import type { Usage } from './usage.ts';
import type { EventKind, Status, WaitingFor } from './lifecycle.ts';
import type { RetryPolicyPatch } from './retry-policy.ts';

/** The intent's fields that may each hold up to AXME_MAX_PAYLOAD_BYTES of JSON. */
export type IntentPayload = 'input' | 'output' | 'error' | 'checkpoint' | 'progress';

export interface IntentError {
  message: string;
  code: string | null;
  retryable: boolean;
  details: unknown;
}

export interface Intent {
  id: string;
  namespace: string;
  type: string;
  status: Status;
  waitingFor: WaitingFor | null;
  input: unknown;
  output: unknown;
  error: IntentError | null;
  checkpoint: unknown;
  attempt: number;
  maxAttempts: number;
  priority: number;
  idempotencyKey: string | null;
  parentId: string | null;
  labels: string[];
  leaseToken: string | null;
  leaseAgent: string | null;
  leaseExpiresAt: Date | null;
  /** The worker session of the latest claim (migration 011); it holds the lease while the intent is RUNNING. */
  leaseWorker: string | null;
  runAt: Date;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  lastSeq: number;
  /** The intent's own retry settings (migration 002); type and server defaults fill the rest. */
  retryPolicy: RetryPolicyPatch | null;
  deadline: Date | null;
  attemptTimeoutSeconds: number | null;
  concurrencyKey: string | null;
  concurrencyLimit: number | null;
  /** The latest reportProgress value; not part of the event log. */
  progress: unknown;
  /** The schedule whose fire submitted it (migration 014). */
  scheduleId: string | null;
  /** The intent this one was forked from (migration 015), and the step it ran again from (null: a full replay). */
  forkedFrom: string | null;
  forkedFromStep: string | null;
  forkedFromSeq: number | null;
  /**
   * Payloads this object was read without (a step's, a heartbeat's, a checkpoint's or a
   * progress report's answer: store/rows.ts INTENT_STATE_COLUMNS): null here, not the
   * intent's. Whoever shows them reads the intent (the GraphQL type does).
   */
  omitted?: readonly IntentPayload[];
}

export interface IntentEvent {
  /** Position in the namespace-wide log (bigserial, as text). */
  id: string;
  namespace: string;
  intentId: string;
  seq: number;
  kind: EventKind;
  status: Status;
  waitingFor: WaitingFor | null;
  actor: string | null;
  data: unknown;
  at: Date;
  /** Stream position, with id: see store/stream.ts. Decimal text (xid8). */
  tx: string;
}

/** One durable step's record (migration 012): its result written once, or an error it threw. */
export interface IntentStep {
  intentId: string;
  /** The seq of its STEP_COMPLETED or STEP_FAILED event. */
  seq: number;
  name: string;
  attempt: number;
  status: 'COMPLETED' | 'FAILED';
  outputBytes: number;
  durationMs: number;
  error: StepError | null;
  recordedAt: Date;
  /** Model calls the step reported (LLM usage, migration 016). */
  usage: Usage[];
}

/** What a step threw, as its worker reported it. */
export interface StepError {
  message: string;
  code: string | null;
  details: unknown;
}
