import type { EventKind, Status, WaitingFor } from '../core/lifecycle.ts';
import type { Intent, IntentError, IntentEvent, IntentPayload } from '../core/model.ts';
import type { RetryPolicyPatch } from '../core/retry-policy.ts';

/** Table rows to the model types of core/model.ts. */
type Row = Record<string, unknown>;

export const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
export const maybeDate = (v: unknown): Date | null => (v == null ? null : date(v));

/**
 * The intent's columns that may hold up to AXME_MAX_PAYLOAD_BYTES each (named as the
 * model's fields). A statement that answers only the intent's state (a step record's,
 * store/events.ts `lean`) selects INTENT_STATE_COLUMNS: PostgreSQL renders, and Node
 * parses, none of them.
 */
export const INTENT_PAYLOAD_COLUMNS: readonly IntentPayload[] = ['input', 'output', 'error', 'checkpoint', 'progress'];

/** Every other column of `intents` (a test holds this list to the table). */
export const INTENT_STATE_COLUMNS = [
  'id', 'namespace', 'type', 'status', 'waiting_for', 'attempt', 'max_attempts', 'priority', 'idempotency_key',
  'parent_id', 'labels', 'lease_token', 'lease_agent', 'lease_expires_at', 'run_at', 'created_at', 'updated_at',
  'finished_at', 'last_seq', 'retry_policy', 'deadline', 'attempt_timeout_seconds', 'attempt_expires_at',
  'concurrency_key', 'concurrency_limit', 'last_tx', 'wait_name', 'wake_at', 'resume_next',
  'claim_resumed', 'lease_worker', 'schedule_id', 'forked_from', 'forked_from_step', 'forked_from_seq', 'budget_ids',
] as const;

/**
 * How a statement reads the intent lean: INTENT_STATE_COLUMNS and the columns in `keep`
 * (payloads it wrote, `checkpoint`, or others of its rows, a batch's item position), and
 * the payloads its rows therefore lack. Made once per statement, not per row.
 */
export interface Lean {
  /** The select list, its columns qualified by `alias` when given. */
  columns(alias?: string): string;
  omitted: readonly IntentPayload[];
}

export function lean(keep: readonly string[] = []): Lean {
  const columns = [...INTENT_STATE_COLUMNS, ...keep];
  return {
    columns: (alias) => columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', '),
    omitted: INTENT_PAYLOAD_COLUMNS.filter((c) => !keep.includes(c)),
  };
}

/** A row of a `lean` statement: the intent, marked with the payloads it lacks. */
export function toLeanIntent(r: Row, l: Lean): Intent {
  const intent = toIntent(r);
  intent.omitted = l.omitted;
  return intent;
}

export function toIntent(r: Row): Intent {
  return {
    id: r.id as string,
    namespace: r.namespace as string,
    type: r.type as string,
    status: r.status as Status,
    waitingFor: (r.waiting_for as WaitingFor | null) ?? null,
    input: r.input ?? null,
    output: r.output ?? null,
    error: (r.error as IntentError | null) ?? null,
    checkpoint: r.checkpoint ?? null,
    attempt: r.attempt as number,
    maxAttempts: r.max_attempts as number,
    priority: r.priority as number,
    idempotencyKey: (r.idempotency_key as string | null) ?? null,
    parentId: (r.parent_id as string | null) ?? null,
    labels: (r.labels as string[]) ?? [],
    leaseToken: (r.lease_token as string | null) ?? null,
    leaseAgent: (r.lease_agent as string | null) ?? null,
    leaseExpiresAt: maybeDate(r.lease_expires_at),
    leaseWorker: (r.lease_worker as string | null) ?? null,
    runAt: date(r.run_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    finishedAt: maybeDate(r.finished_at),
    lastSeq: r.last_seq as number,
    retryPolicy: (r.retry_policy as RetryPolicyPatch | null) ?? null,
    deadline: maybeDate(r.deadline),
    attemptTimeoutSeconds: (r.attempt_timeout_seconds as number | null) ?? null,
    concurrencyKey: (r.concurrency_key as string | null) ?? null,
    concurrencyLimit: (r.concurrency_limit as number | null) ?? null,
    progress: r.progress ?? null,
    scheduleId: (r.schedule_id as string | null) ?? null,
    forkedFrom: (r.forked_from as string | null) ?? null,
    forkedFromStep: (r.forked_from_step as string | null) ?? null,
    forkedFromSeq: (r.forked_from_seq as number | null) ?? null,
  };
}

export function toEvent(r: Row): IntentEvent {
  return {
    id: String(r.id),
    namespace: r.namespace as string,
    intentId: r.intent_id as string,
    seq: r.seq as number,
    kind: r.kind as EventKind,
    status: r.status as Status,
    waitingFor: (r.waiting_for as WaitingFor | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    data: r.data ?? null,
    at: date(r.at),
    tx: String(r.tx),
  };
}

/** jsonb parameters go as text: pg would turn a JS array into a Postgres array. */
export const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
