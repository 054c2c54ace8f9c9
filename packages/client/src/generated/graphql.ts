/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AppendStreamInput = {
  /** 1–AXME_STREAM_MAX_CHUNKS (default 1000) chunks, stored in order as one batch; at most AXME_MAX_PAYLOAD_BYTES in all. */
  chunks: Array<string>;
  id: string | number;
  leaseToken: string | number;
  /** The stream’s name: 1–200 letters, digits and _ . : / - */
  stream: string;
};

export type ApprovalFilter = {
  /** Approvals that list this assignee. */
  assignee?: string | null | undefined;
  intentId?: string | number | null | undefined;
  /** Any of these statuses. */
  status?: Array<ApprovalStatus> | null | undefined;
  /** Any of these types. */
  type?: Array<string> | null | undefined;
};

export type ApprovalRequestInput = {
  /** Who may decide; the inbox filters on it. */
  assignees?: Array<string> | null | undefined;
  description?: string | null | undefined;
  /** Assignees for onTimeout ESCALATE. */
  escalateTo?: Array<string> | null | undefined;
  /** JSON Schema (draft-07) for the data the human fills in; checked now and at resolve. */
  formSchema?: unknown;
  /** Default REJECT. */
  onTimeout?: ApprovalTimeoutAction | null | undefined;
  /** Allowed outcomes. Default ["approve", "reject"]. */
  options?: Array<string> | null | undefined;
  /** Default false. */
  requireComment?: boolean | null | undefined;
  /** Seconds until onTimeout applies; none means it waits for ever. */
  timeoutSeconds?: number | null | undefined;
  title: string;
  /** A kind of task, e.g. approval, review, provide_data. Default approval. */
  type?: string | null | undefined;
};

/** PENDING until a human resolves it (RESOLVED), it times out (TIMED_OUT), it is handed to escalateTo (ESCALATED), or its intent ends (CANCELLED). */
export type ApprovalStatus =
  | 'CANCELLED'
  | 'ESCALATED'
  | 'PENDING'
  | 'RESOLVED'
  | 'TIMED_OUT';

/** What happens at expiresAt: REJECT resolves it as "reject" and the intent goes back to PENDING; FAIL fails the intent; ESCALATE hands it to escalateTo with a fresh timeout (which then rejects). */
export type ApprovalTimeoutAction =
  | 'ESCALATE'
  | 'FAIL'
  | 'REJECT';

/** Limits on what an intent and its descendants spend: USD (priced calls) and/or tokens (input + output). The holder’s next lease call after spending crosses a limit answers BUDGET_EXCEEDED. */
export type BudgetInput = {
  /** A whole number above 0, at most 1e13. */
  maxTokens?: number | null | undefined;
  /** Above 0, at most 1000000. */
  maxUsd?: number | null | undefined;
  /** Default FAIL. */
  onExceeded?: BudgetPolicy | null | undefined;
};

/** What happens once a budget is crossed: FAIL the intent (error code BUDGET_EXCEEDED, not retried), or WAIT for a human to raise the budget (an axme.budget approval) or stop it. */
export type BudgetPolicy =
  | 'FAIL'
  | 'WAIT';

export type BudgetScope =
  | 'INTENT'
  | 'NAMESPACE'
  | 'TYPE';

export type CancelIntentInput = {
  id: string | number;
  reason?: string | null | undefined;
};

export type CheckpointIntentInput = {
  /** Replaces the stored checkpoint; the next attempt starts from it. */
  checkpoint: unknown;
  id: string | number;
  leaseToken: string | number;
};

export type ClaimIntentInput = {
  /** A name for the agent, shown as the lease holder and event actor. */
  agent?: string | null | undefined;
  /** How long the lease lasts without a heartbeat. Default 300 (AXME_DEFAULT_LEASE_SECONDS). */
  leaseSeconds?: number | null | undefined;
  /** Intent types this agent handles. */
  types: Array<string>;
  /** Long-poll: wait up to this long (max AXME_MAX_WAIT_SECONDS, 60) for work before answering null. Default 0. */
  waitSeconds?: number | null | undefined;
  /** The worker session (registerWorker) that will hold the lease: released at once when the session ends. */
  workerId?: string | number | null | undefined;
};

export type ClaimIntentsInput = {
  /** A name for the agent, shown as the lease holder and event actor. */
  agent?: string | null | undefined;
  /** How long each lease lasts without a heartbeat. Default 300 (AXME_DEFAULT_LEASE_SECONDS). */
  leaseSeconds?: number | null | undefined;
  /** At most this many intents (1–1000). */
  limit: number;
  /** Intent types this agent handles. */
  types: Array<string>;
  /** Long-poll: wait up to this long (max AXME_MAX_WAIT_SECONDS, 60) for at least one intent before answering an empty list. Default 0. */
  waitSeconds?: number | null | undefined;
  /** The worker session (registerWorker) that will hold the leases: released at once when the session ends. */
  workerId?: string | number | null | undefined;
};

export type CloseStreamInput = {
  id: string | number;
  leaseToken: string | number;
  stream: string;
};

export type CompleteIntentInput = {
  id: string | number;
  /** The run’s last step, recorded with the completion. */
  lastStep?: LastStepInput | null | undefined;
  leaseToken: string | number;
  output?: unknown;
};

export type CompleteIntentsInput = {
  /** Up to 1000 completions. */
  items: Array<CompleteIntentInput>;
};

export type CreateScheduleInput = {
  /** Default ONE. */
  catchUp?: ScheduleCatchUpPolicy | null | undefined;
  /** A cron expression of 5 fields (minute precision) or 6 (seconds first), e.g. `0 9 * * MON-FRI`. Give this or intervalSeconds. */
  cron?: string | null | undefined;
  /** No fire at or after this; must be after startAt. */
  endAt?: string | null | undefined;
  intent: ScheduleIntentInput;
  /** Fire every this many seconds (1–31622400), counted from startAt, else from creation. */
  intervalSeconds?: number | null | undefined;
  /** 0–86400. Default 0. */
  jitterSeconds?: number | null | undefined;
  /** Unique in the namespace; letters, digits and _ . : / -. */
  name: string;
  /** Default SKIP. */
  overlap?: ScheduleOverlapPolicy | null | undefined;
  /** Create it paused. Default false. */
  paused?: boolean | null | undefined;
  /** No fire before this. */
  startAt?: string | null | undefined;
  /** IANA zone the cron expression is read in, e.g. Europe/Berlin. Default UTC. DST: a time skipped by spring-forward fires at the first valid time after; a time repeated by fall-back fires once. */
  timezone?: string | null | undefined;
};

export type FailIntentInput = {
  error: IntentErrorInput;
  id: string | number;
  leaseToken: string | number;
  /** Run the next attempt no sooner than this, e.g. a provider’s Retry-After (0–604800); overrides the retry backoff. */
  retryAfterSeconds?: number | null | undefined;
};

export type ForkIntentInput = {
  /** The fork’s own budget (neither limit: none). Default: the limits and policy of the original’s own budget, spent from zero (a fork is a new run; no ancestor budget counts it). */
  budget?: BudgetInput | null | undefined;
  /** The same, naming the step record by its seq (Intent.steps). Not with fromStep. */
  fromSeq?: number | null | undefined;
  /** Run this step (from its first record) and every step after it fresh; the results recorded before it are copied. Omit both fromStep and fromSeq to copy every recorded result (a replay). */
  fromStep?: string | null | undefined;
  /** The intent to fork, in any status. */
  id: string | number;
  /** Forking again with the same key, original and input returns the same fork. */
  idempotencyKey?: string | null | undefined;
  /** The fork’s input, replacing the original’s. Not with inputPatch. */
  input?: unknown;
  /** A JSON merge patch (RFC 7386) applied to the original’s input: members set, null removes one. */
  inputPatch?: unknown;
  /** Default: the original’s labels. */
  labels?: Array<string> | null | undefined;
  /** Default: the original’s type. */
  type?: string | null | undefined;
};

export type HeartbeatIntentInput = {
  id: string | number;
  /** The lease runs this long from now. Default 300. */
  leaseSeconds?: number | null | undefined;
  leaseToken: string | number;
};

export type IntentErrorInput = {
  code?: string | null | undefined;
  details?: unknown;
  message: string;
  /** false sends the intent straight to FAILED. Default true. */
  retryable?: boolean | null | undefined;
};

export type IntentEventFilter = {
  /** Only this intent’s events. */
  intentId?: string | number | null | undefined;
  /** Only events of any of these kinds. */
  kinds?: Array<IntentEventKind> | null | undefined;
  /** Only events of children of this intent. */
  parentId?: string | number | null | undefined;
  /** Only events that left the intent in any of these statuses. */
  statuses?: Array<IntentStatus> | null | undefined;
  /** Only events of intents of any of these types. */
  types?: Array<string> | null | undefined;
};

/** What a transition was; every transition writes exactly one event. */
export type IntentEventKind =
  | 'APPROVAL_ESCALATED'
  | 'APPROVAL_REQUESTED'
  | 'APPROVAL_RESOLVED'
  | 'APPROVAL_TIMED_OUT'
  | 'BUDGET_EXCEEDED'
  | 'CANCELLED'
  | 'CHECKPOINTED'
  | 'CLAIMED'
  | 'COMPLETED'
  | 'FAILED'
  | 'FAILURE_ESCALATED'
  | 'LEASE_EXPIRED'
  | 'LEASE_RELEASED'
  | 'RESUMED'
  | 'RETRIED'
  | 'RETRY_SCHEDULED'
  | 'SIGNAL_RECEIVED'
  | 'STEP_COMPLETED'
  | 'STEP_FAILED'
  | 'SUBMITTED'
  | 'WAITING'
  | 'WAIT_TIMED_OUT';

export type IntentFilter = {
  /** Every one of these labels. */
  label?: Array<string> | null | undefined;
  /** Children of this intent. */
  parentId?: string | number | null | undefined;
  /** Any of these statuses. */
  status?: Array<IntentStatus> | null | undefined;
  /** Any of these types. */
  type?: Array<string> | null | undefined;
};

/** Where an intent is in its lifecycle. COMPLETED, FAILED and CANCELLED are terminal (FAILED and CANCELLED can be retried). */
export type IntentStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING';

/** A step that succeeded just before the run completes: recorded (STEP_COMPLETED) with the completion in one statement, one request instead of a recordStep and a complete. A name that already has a result keeps it, as recordStep does. */
export type LastStepInput = {
  durationMs: number;
  name: string;
  /** At most AXME_MAX_STEP_BYTES (1 MiB) as JSON. */
  output?: unknown;
  /** LLM calls the step made (at most 100). */
  usage?: Array<LlmCallInput> | null | undefined;
};

/** One model call: tokens are whole numbers from 0 to 1e9, cachedTokens at most inputTokens; costUsd from 0 to 100000, or omitted to price it from AXME_PRICES. */
export type LlmCallInput = {
  cachedTokens?: number | null | undefined;
  costUsd?: number | null | undefined;
  inputTokens?: number | null | undefined;
  /** e.g. gpt-4o-mini; the price table’s key. */
  model: string;
  outputTokens?: number | null | undefined;
  /** e.g. openai, anthropic (1–200 printable ASCII characters). */
  provider?: string | null | undefined;
};

/** What an attempt that leaves no retry (attempts used up, or a non-retryable error) does: FAIL ends the intent FAILED; ESCALATE has it wait for a human on an `axme.escalation` approval (options retry, fork, fail). */
export type OnExhausted =
  | 'ESCALATE'
  | 'FAIL';

export type RecordStepInput = {
  /** How long the step ran. */
  durationMs: number;
  /** Set when the step threw: a FAILED record, and output is ignored. */
  error?: StepErrorInput | null | undefined;
  id: string | number;
  leaseToken: string | number;
  /** The step’s identity across attempts (1–200 characters). */
  name: string;
  /** The result; at most AXME_MAX_STEP_BYTES (1 MiB) as JSON, else PAYLOAD_TOO_LARGE. */
  output?: unknown;
  /** LLM calls the step made (at most 100), stored with the record and added to the intent’s usage. */
  usage?: Array<LlmCallInput> | null | undefined;
};

export type RecordStepsInput = {
  /** Up to 1000 step records, of one or many intents. */
  items: Array<RecordStepInput>;
};

export type RegisterWorkerInput = {
  /** Intents it runs at once. Default 1. */
  concurrency?: number | null | undefined;
  host?: string | null | undefined;
  /** Stable across restarts of the same worker (e.g. AXME_WORKER_IDENTITY): a new session with it ends the previous one and releases its leases at once. Absent: the session is its own identity. */
  identity?: string | null | undefined;
  /** Shown in the dashboard and `axme workers`. */
  name: string;
  /** e.g. `@axme/client` or `axme_durable`. */
  sdk?: string | null | undefined;
  sdkVersion?: string | null | undefined;
  /** Without a heartbeat for this long the session is LOST (2–3600). Default 10 (AXME_WORKER_SESSION_SECONDS). */
  sessionSeconds?: number | null | undefined;
  /** Intent types the worker handles. */
  types: Array<string>;
};

export type ReleaseIntentInput = {
  id: string | number;
  leaseToken: string | number;
};

export type ReportProgressInput = {
  id: string | number;
  leaseToken: string | number;
  /** Replaces the previous value; report cumulative progress (e.g. the text so far), since watchers may skip intermediate values. */
  progress: unknown;
};

export type RequestApprovalInput = {
  approval: ApprovalRequestInput;
  /** Saved with the wait (replaces the stored checkpoint); omit to keep it. */
  checkpoint?: unknown;
  id: string | number;
  leaseToken: string | number;
};

export type ResolveApprovalInput = {
  approvalId: string | number;
  comment?: string | null | undefined;
  /** Must satisfy the approval’s formSchema. */
  data?: unknown;
  /** One of the approval’s options. */
  outcome: string;
  /** Who decides, when the request carries no authenticated principal (which takes precedence). */
  resolvedBy?: string | null | undefined;
};

export type RetryIntentInput = {
  id: string | number;
};

/** Delays between attempts; fields left out come from the type’s policy (setIntentTypePolicy), then the server’s AXME_RETRY_* settings. */
export type RetryPolicyInput = {
  /** Each further failure multiplies the delay by this, 1–100. Server default 2. */
  backoffCoefficient?: number | null | undefined;
  /** How long an escalation waits for its decision (1–31622400); then the intent ends FAILED. Default: no timeout. */
  escalateTimeoutSeconds?: number | null | undefined;
  /** Who may decide an escalation (principals); default anyone with the approver role. */
  escalateTo?: Array<string> | null | undefined;
  /** Delay after the first failed attempt, 0–604800. Server default 1. */
  initialIntervalSeconds?: number | null | undefined;
  /** 0–1: each delay is shortened by up to this fraction at random. Server default 0.2. */
  jitter?: number | null | undefined;
  /** The delay never exceeds this, 0–604800. Server default 300. */
  maxIntervalSeconds?: number | null | undefined;
  /** FAIL or ESCALATE when no retry is left. Server default AXME_ON_EXHAUSTED (FAIL). */
  onExhausted?: OnExhausted | null | undefined;
};

/** Fires missed while no instance ran (downtime). SKIP: none; only fires less than a minute late are made. ONE: the newest missed fire, once. ALL: every missed fire, the newest 100 at most. */
export type ScheduleCatchUpPolicy =
  | 'ALL'
  | 'ONE'
  | 'SKIP';

export type ScheduleFilter = {
  paused?: boolean | null | undefined;
  /** A part of the name, any case. */
  search?: string | null | undefined;
  /** Schedules that submit this intent type. */
  type?: string | null | undefined;
};

/** The intent each fire submits: the fields of SubmitIntentInput that make sense for every fire. */
export type ScheduleIntentInput = {
  /** 1–604800. */
  attemptTimeoutSeconds?: number | null | undefined;
  concurrencyKey?: string | null | undefined;
  concurrencyLimit?: number | null | undefined;
  /** Each intent must finish this long after its runAt, 1–31622400. */
  deadlineSeconds?: number | null | undefined;
  /** Default {}. */
  input?: unknown;
  /** At most 49; schedule:<name> is added. */
  labels?: Array<string> | null | undefined;
  /** 1–100. Default: the type’s, else the server’s. */
  maxAttempts?: number | null | undefined;
  /** 0–1000. Default 0. */
  priority?: number | null | undefined;
  retry?: RetryPolicyInput | null | undefined;
  type: string;
};

/** What a fire does while the intent of the previous fire has not finished. SKIP: nothing (counted in skipCount). BUFFER_ONE: one fire waits and is submitted when the running intent ends; more are skipped. ALLOW: submits anyway. */
export type ScheduleOverlapPolicy =
  | 'ALLOW'
  | 'BUFFER_ONE'
  | 'SKIP';

export type SignalIntentInput = {
  id: string | number;
  name: string;
  payload?: unknown;
};

export type SleepIntentInput = {
  /** Saved with the wait (replaces the stored checkpoint); omit to keep it. */
  checkpoint?: unknown;
  id: string | number;
  leaseToken: string | number;
  until: string;
};

export type StepErrorInput = {
  code?: string | null | undefined;
  details?: unknown;
  message: string;
};

/** COMPLETED: the step returned and its result is stored (once per name). FAILED: it threw; the error is stored. */
export type StepStatus =
  | 'COMPLETED'
  | 'FAILED';

export type SubmitIntentInput = {
  /** Longest one attempt may run, heartbeats or not (1–604800); then it is treated as an expired lease. */
  attemptTimeoutSeconds?: number | null | undefined;
  /** Limits on this intent and its descendants; without one it counts against its nearest ancestor’s (and every ancestor budget counts its descendants’ usage). */
  budget?: BudgetInput | null | undefined;
  /** Intents sharing a key run at most concurrencyLimit at a time, e.g. `customer:42` or `provider:openai`. */
  concurrencyKey?: string | null | undefined;
  /** How many intents of concurrencyKey may be RUNNING at once, 1–10000. Default 1; needs concurrencyKey. */
  concurrencyLimit?: number | null | undefined;
  /** Absolute time by which the intent must finish; past it an unfinished intent becomes FAILED (error code DEADLINE_EXCEEDED). Must be in the future and after runAt. */
  deadline?: string | null | undefined;
  /** Submitting the same key and input again returns the same intent; a different input fails with CONFLICT. */
  idempotencyKey?: string | null | undefined;
  /** Any JSON. Default {}. */
  input?: unknown;
  /** Free-form tags to filter by, e.g. `customer:42`. */
  labels?: Array<string> | null | undefined;
  /** 1–100. Default 3 (AXME_DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number | null | undefined;
  /** Makes this intent a child of another. */
  parentId?: string | number | null | undefined;
  /** 0–1000, higher is claimed first. Default 0. */
  priority?: number | null | undefined;
  /** How long to wait between attempts. */
  retry?: RetryPolicyInput | null | undefined;
  /** Not claimable before this time. Default now. */
  runAt?: string | null | undefined;
  /** What kind of work, e.g. `research.answer.v1`; agents claim by type. */
  type: string;
};

/** Only the fields given change; null clears startAt, endAt. Giving cron or intervalSeconds replaces the other. A changed spec recomputes the next fire from now. */
export type UpdateScheduleInput = {
  catchUp?: ScheduleCatchUpPolicy | null | undefined;
  /** A cron expression of 5 fields (minute precision) or 6 (seconds first), e.g. `0 9 * * MON-FRI`. Give this or intervalSeconds. */
  cron?: string | null | undefined;
  endAt?: string | null | undefined;
  id: string | number;
  /** Replaces the whole template. */
  intent?: ScheduleIntentInput | null | undefined;
  /** Fire every this many seconds (1–31622400), counted from startAt, else from creation. */
  intervalSeconds?: number | null | undefined;
  jitterSeconds?: number | null | undefined;
  name?: string | null | undefined;
  overlap?: ScheduleOverlapPolicy | null | undefined;
  paused?: boolean | null | undefined;
  startAt?: string | null | undefined;
  /** IANA zone the cron expression is read in, e.g. Europe/Berlin. Default UTC. DST: a time skipped by spring-forward fires at the first valid time after; a time repeated by fall-back fires once. */
  timezone?: string | null | undefined;
};

export type UsageFilter = {
  /** Default: 30 days before `to`; at most 366 days before it. */
  from?: string | null | undefined;
  /** Only calls of this model. */
  model?: string | null | undefined;
  /** Exclusive. Default: now. */
  to?: string | null | undefined;
  /** Only intents of this type. */
  type?: string | null | undefined;
};

export type UsageGroup =
  | 'DAY'
  | 'MODEL'
  | 'TYPE';

export type WaitForChildrenInput = {
  /** Saved with the wait (replaces the stored checkpoint); omit to keep it. */
  checkpoint?: unknown;
  id: string | number;
  leaseToken: string | number;
};

export type WaitForSignalInput = {
  /** Saved with the wait (replaces the stored checkpoint); omit to keep it. */
  checkpoint?: unknown;
  id: string | number;
  leaseToken: string | number;
  name: string;
  /** Back to PENDING (event WAIT_TIMED_OUT) after this long without the signal. Default: no timeout. */
  timeoutSeconds?: number | null | undefined;
};

/** Why a WAITING intent waits. */
export type WaitingFor =
  | 'APPROVAL'
  | 'CHILDREN'
  | 'SIGNAL'
  | 'TIME';

export type WorkerIdInput = {
  id: string | number;
};

/** CONNECTED while heartbeats arrive; STOPPED when the worker ended its session; LOST when its heartbeats stopped or a restart took its identity. */
export type WorkerStatus =
  | 'CONNECTED'
  | 'LOST'
  | 'STOPPED';

export type WorkersFilter = {
  /** Any of these statuses. */
  status?: Array<WorkerStatus> | null | undefined;
  /** Workers handling any of these types. */
  type?: Array<string> | null | undefined;
};

export type BudgetFieldsFragment = { scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean };

export type DayBudgetFieldsFragment = { type: string | null, day: string, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, updatedAt: string };

export type IntentBudgetsQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentBudgetsQuery = { intent: { id: string, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }> } | null };

export type BudgetsQueryVariables = Exact<{ [key: string]: never; }>;


export type BudgetsQuery = { budgets: Array<{ type: string | null, day: string, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, updatedAt: string }> };

export type SetBudgetMutationVariables = Exact<{
  type?: string | null | undefined;
  maxUsd?: number | null | undefined;
  maxTokens?: number | null | undefined;
  onExceeded?: BudgetPolicy | null | undefined;
}>;


export type SetBudgetMutation = { setBudget: { type: string | null, day: string, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, updatedAt: string } | null };

export type SetIntentBudgetMutationVariables = Exact<{
  id: string | number;
  budget: BudgetInput;
}>;


export type SetIntentBudgetMutation = { setIntentBudget: { scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean } };

export type IntentFieldsFragment = { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null };

export type GetIntentQueryVariables = Exact<{
  id: string | number;
}>;


export type GetIntentQuery = { intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } | null };

export type ListIntentsQueryVariables = Exact<{
  filter?: IntentFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListIntentsQuery = { intents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null }> } };

export type IntentEventsQueryVariables = Exact<{
  intentId: string | number;
  after?: number | null | undefined;
  first?: number | null | undefined;
}>;


export type IntentEventsQuery = { intentEvents: Array<{ id: string, intentId: string, seq: number, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string, cursor: string }> };

export type SubmitIntentMutationVariables = Exact<{
  input: SubmitIntentInput;
}>;


export type SubmitIntentMutation = { submitIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type ExecuteIntentMutationVariables = Exact<{
  input: SubmitIntentInput;
  waitSeconds: number;
}>;


export type ExecuteIntentMutation = { submitIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type CancelIntentMutationVariables = Exact<{
  input: CancelIntentInput;
}>;


export type CancelIntentMutation = { cancelIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type RetryIntentMutationVariables = Exact<{
  input: RetryIntentInput;
}>;


export type RetryIntentMutation = { retryIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type ForkIntentMutationVariables = Exact<{
  input: ForkIntentInput;
}>;


export type ForkIntentMutation = { forkIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type IntentForksQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentForksQuery = { intent: { id: string, forks: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null }> } | null };

export type ClaimIntentMutationVariables = Exact<{
  input: ClaimIntentInput;
}>;


export type ClaimIntentMutation = { claimIntent: { token: string, expiresAt: string, intent: { stepNames: Array<string>, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, lastWake: { seq: number, kind: IntentEventKind, data: unknown, at: string } | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } } | null };

export type ClaimIntentsMutationVariables = Exact<{
  input: ClaimIntentsInput;
}>;


export type ClaimIntentsMutation = { claimIntents: Array<{ token: string, expiresAt: string, intent: { stepNames: Array<string>, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, lastWake: { seq: number, kind: IntentEventKind, data: unknown, at: string } | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } }> };

export type HeartbeatIntentMutationVariables = Exact<{
  input: HeartbeatIntentInput;
}>;


export type HeartbeatIntentMutation = { heartbeatIntent: { token: string, expiresAt: string } };

export type CheckpointIntentMutationVariables = Exact<{
  input: CheckpointIntentInput;
}>;


export type CheckpointIntentMutation = { checkpointIntent: { id: string, lastSeq: number, checkpoint: unknown } };

export type RecordStepMutationVariables = Exact<{
  input: RecordStepInput;
}>;


export type RecordStepMutation = { recordStep: { seq: number, name: string, attempt: number, status: StepStatus, durationMs: number, outputBytes: number } };

export type RecordStepsMutationVariables = Exact<{
  input: RecordStepsInput;
}>;


export type RecordStepsMutation = { recordSteps: Array<{ id: string, step: { seq: number, name: string, attempt: number, status: StepStatus, durationMs: number, outputBytes: number } | null, error: { code: string, message: string, details: unknown } | null }> };

export type StepOutputQueryVariables = Exact<{
  id: string | number;
  name: string;
}>;


export type StepOutputQuery = { intent: { steps: Array<{ status: StepStatus, output: unknown }> } | null };

export type StepFieldsFragment = { seq: number, name: string, attempt: number, status: StepStatus, durationMs: number, outputBytes: number, recordedAt: string, error: { message: string, code: string | null, details: unknown } | null, usageTotals: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number } };

export type IntentStepsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  withOutput?: boolean | null | undefined;
}>;


export type IntentStepsQuery = { intent: { id: string, attempt: number, steps: Array<{ output?: unknown, seq: number, name: string, attempt: number, status: StepStatus, durationMs: number, outputBytes: number, recordedAt: string, error: { message: string, code: string | null, details: unknown } | null, usageTotals: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number } }> } | null };

export type CompleteIntentMutationVariables = Exact<{
  input: CompleteIntentInput;
}>;


export type CompleteIntentMutation = { completeIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type CompleteIntentsMutationVariables = Exact<{
  input: CompleteIntentsInput;
}>;


export type CompleteIntentsMutation = { completeIntents: Array<{ id: string, intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } | null, error: { code: string, message: string, details: unknown } | null }> };

export type CompleteIntentsAckMutationVariables = Exact<{
  input: CompleteIntentsInput;
}>;


export type CompleteIntentsAckMutation = { completeIntents: Array<{ id: string, intent: { id: string, status: IntentStatus } | null, error: { code: string, message: string, details: unknown } | null }> };

export type EventFieldsFragment = { id: string, intentId: string, seq: number, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string, cursor: string };

export type FailIntentMutationVariables = Exact<{
  input: FailIntentInput;
}>;


export type FailIntentMutation = { failIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type UsageTotalsFieldsFragment = { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number };

export type IntentUsageQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentUsageQuery = { intent: { id: string, own: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, total: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number } } | null };

export type UsageQueryVariables = Exact<{
  filter?: UsageFilter | null | undefined;
  groupBy?: Array<UsageGroup> | UsageGroup | null | undefined;
  first?: number | null | undefined;
}>;


export type UsageQuery = { usage: Array<{ type: string | null, model: string | null, day: string | null, calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }> };

export type WatchEventsSubscriptionVariables = Exact<{
  filter?: IntentEventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type WatchEventsSubscription = { intentEvents: { id: string, intentId: string, seq: number, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string, cursor: string } };

export type WatchIntentSubscriptionVariables = Exact<{
  id: string | number;
  statuses?: Array<IntentStatus> | IntentStatus | null | undefined;
}>;


export type WatchIntentSubscription = { intentChanged: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type ScheduleFieldsFragment = { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null };

export type GetScheduleQueryVariables = Exact<{
  id?: string | number | null | undefined;
  name?: string | null | undefined;
  next?: number | null | undefined;
}>;


export type GetScheduleQuery = { schedule: { nextFires: Array<string>, id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null } | null };

export type ListSchedulesQueryVariables = Exact<{
  filter?: ScheduleFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListSchedulesQuery = { schedules: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null }> } };

export type CreateScheduleMutationVariables = Exact<{
  input: CreateScheduleInput;
}>;


export type CreateScheduleMutation = { createSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null } };

export type UpdateScheduleMutationVariables = Exact<{
  input: UpdateScheduleInput;
}>;


export type UpdateScheduleMutation = { updateSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null } };

export type PauseScheduleMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type PauseScheduleMutation = { pauseSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null } };

export type ResumeScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeScheduleMutation = { resumeSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, startAt: string | null, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, lastSkipAt: string | null, createdAt: string, updatedAt: string, intent: { type: string, input: unknown, labels: Array<string>, priority: number, maxAttempts: number | null, deadlineSeconds: number | null, attemptTimeoutSeconds: number | null, concurrencyKey: string | null, concurrencyLimit: number | null }, lastIntent: { id: string, status: IntentStatus } | null } };

export type DeleteScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteScheduleMutation = { deleteSchedule: boolean };

export type TriggerScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type TriggerScheduleMutation = { triggerSchedule: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, progress: unknown, forkedFromId: string | null, forkedFromStep: string | null, forkedFromSeq: number | null, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type AppendStreamMutationVariables = Exact<{
  input: AppendStreamInput;
}>;


export type AppendStreamMutation = { appendStream: { stream: string, from: number, next: number } };

export type CloseStreamMutationVariables = Exact<{
  input: CloseStreamInput;
}>;


export type CloseStreamMutation = { closeStream: { stream: string, from: number, next: number } };

export type StreamPageFieldsFragment = { from: number, chunks: Array<string>, next: number, length: number, closed: boolean };

export type ReadStreamQueryVariables = Exact<{
  id: string | number;
  stream: string;
  from?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type ReadStreamQuery = { intentStream: { from: number, chunks: Array<string>, next: number, length: number, closed: boolean } };

export type FollowStreamSubscriptionVariables = Exact<{
  id: string | number;
  stream: string;
  from?: number | null | undefined;
}>;


export type FollowStreamSubscription = { intentStream: { from: number, chunks: Array<string>, next: number, length: number, closed: boolean } };

export type ApprovalFieldsFragment = { id: string, intentId: string, type: string, title: string, description: string | null, options: Array<string>, assignees: Array<string>, formSchema: unknown, requireComment: boolean, status: ApprovalStatus, outcome: string | null, comment: string | null, data: unknown, result: unknown, resolvedBy: string | null, resolvedAt: string | null, requestedBy: string | null, createdAt: string, expiresAt: string | null, escalatedFromId: string | null };

export type GetApprovalQueryVariables = Exact<{
  id: string | number;
}>;


export type GetApprovalQuery = { approval: { id: string, intentId: string, type: string, title: string, description: string | null, options: Array<string>, assignees: Array<string>, formSchema: unknown, requireComment: boolean, status: ApprovalStatus, outcome: string | null, comment: string | null, data: unknown, result: unknown, resolvedBy: string | null, resolvedAt: string | null, requestedBy: string | null, createdAt: string, expiresAt: string | null, escalatedFromId: string | null } | null };

export type ListApprovalsQueryVariables = Exact<{
  filter?: ApprovalFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListApprovalsQuery = { approvals: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, intentId: string, type: string, title: string, description: string | null, options: Array<string>, assignees: Array<string>, formSchema: unknown, requireComment: boolean, status: ApprovalStatus, outcome: string | null, comment: string | null, data: unknown, result: unknown, resolvedBy: string | null, resolvedAt: string | null, requestedBy: string | null, createdAt: string, expiresAt: string | null, escalatedFromId: string | null }> } };

export type ResolveApprovalMutationVariables = Exact<{
  input: ResolveApprovalInput;
}>;


export type ResolveApprovalMutation = { resolveApproval: { id: string, intentId: string, type: string, title: string, description: string | null, options: Array<string>, assignees: Array<string>, formSchema: unknown, requireComment: boolean, status: ApprovalStatus, outcome: string | null, comment: string | null, data: unknown, result: unknown, resolvedBy: string | null, resolvedAt: string | null, requestedBy: string | null, createdAt: string, expiresAt: string | null, escalatedFromId: string | null } };

export type SignalIntentMutationVariables = Exact<{
  input: SignalIntentInput;
}>;


export type SignalIntentMutation = { signalIntent: { id: string, intentId: string, name: string, payload: unknown, sentBy: string | null, receivedAt: string, consumedAt: string | null } };

export type ApprovalOutcomeQueryVariables = Exact<{
  id: string | number;
}>;


export type ApprovalOutcomeQuery = { intent: { id: string, approvals: Array<{ id: string, intentId: string, type: string, title: string, description: string | null, options: Array<string>, assignees: Array<string>, formSchema: unknown, requireComment: boolean, status: ApprovalStatus, outcome: string | null, comment: string | null, data: unknown, result: unknown, resolvedBy: string | null, resolvedAt: string | null, requestedBy: string | null, createdAt: string, expiresAt: string | null, escalatedFromId: string | null }> } | null };

export type SignalOutcomeQueryVariables = Exact<{
  id: string | number;
  name: string;
  after?: string | number | null | undefined;
}>;


export type SignalOutcomeQuery = { intent: { id: string, signals: Array<{ id: string, name: string, payload: unknown, sentBy: string | null, receivedAt: string, consumedAt: string | null }> } | null };

export type ChildrenOutcomeQueryVariables = Exact<{
  id: string | number;
  after?: string | null | undefined;
}>;


export type ChildrenOutcomeQuery = { intent: { id: string, children: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, type: string, status: IntentStatus, output: unknown, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null }> } } | null };

export type RequestApprovalMutationVariables = Exact<{
  input: RequestApprovalInput;
}>;


export type RequestApprovalMutation = { requestApproval: { id: string } };

export type WaitForSignalMutationVariables = Exact<{
  input: WaitForSignalInput;
}>;


export type WaitForSignalMutation = { waitForSignal: { id: string, status: IntentStatus } };

export type WaitForChildrenMutationVariables = Exact<{
  input: WaitForChildrenInput;
}>;


export type WaitForChildrenMutation = { waitForChildren: { id: string, status: IntentStatus } };

export type SleepIntentMutationVariables = Exact<{
  input: SleepIntentInput;
}>;


export type SleepIntentMutation = { sleepIntent: { id: string, status: IntentStatus } };

export type ReportProgressMutationVariables = Exact<{
  input: ReportProgressInput;
}>;


export type ReportProgressMutation = { reportProgress: { id: string } };

export type WorkerFieldsFragment = { id: string, identity: string, name: string, host: string | null, sdk: string | null, sdkVersion: string | null, types: Array<string>, concurrency: number, status: WorkerStatus, endReason: string | null, sessionSeconds: number, startedAt: string, lastSeenAt: string, endedAt: string | null, inFlightCount: number };

export type WorkerSessionFieldsFragment = { id: string, status: WorkerStatus, valid: boolean, heartbeatSeconds: number, sessionSeconds: number, expiresAt: string, worker: { identity: string, endReason: string | null } };

export type ListWorkersQueryVariables = Exact<{
  filter?: WorkersFilter | null | undefined;
  first?: number | null | undefined;
}>;


export type ListWorkersQuery = { workers: Array<{ id: string, identity: string, name: string, host: string | null, sdk: string | null, sdkVersion: string | null, types: Array<string>, concurrency: number, status: WorkerStatus, endReason: string | null, sessionSeconds: number, startedAt: string, lastSeenAt: string, endedAt: string | null, inFlightCount: number, inFlight: Array<{ id: string, type: string }> }> };

export type RegisterWorkerMutationVariables = Exact<{
  input: RegisterWorkerInput;
}>;


export type RegisterWorkerMutation = { registerWorker: { id: string, status: WorkerStatus, valid: boolean, heartbeatSeconds: number, sessionSeconds: number, expiresAt: string, worker: { identity: string, endReason: string | null } } };

export type HeartbeatWorkerMutationVariables = Exact<{
  input: WorkerIdInput;
}>;


export type HeartbeatWorkerMutation = { heartbeatWorker: { id: string, status: WorkerStatus, valid: boolean, heartbeatSeconds: number, sessionSeconds: number, expiresAt: string, worker: { identity: string, endReason: string | null } } };

export type StopWorkerMutationVariables = Exact<{
  input: WorkerIdInput;
}>;


export type StopWorkerMutation = { stopWorker: { id: string, identity: string, name: string, host: string | null, sdk: string | null, sdkVersion: string | null, types: Array<string>, concurrency: number, status: WorkerStatus, endReason: string | null, sessionSeconds: number, startedAt: string, lastSeenAt: string, endedAt: string | null, inFlightCount: number } };

export type ReleaseIntentMutationVariables = Exact<{
  input: ReleaseIntentInput;
}>;


export type ReleaseIntentMutation = { releaseIntent: { id: string, status: IntentStatus, attempt: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BudgetFieldsFragmentDoc = new TypedDocumentString(`
    fragment BudgetFields on Budget {
  scope
  intentId
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  exceeded
}
    `, {"fragmentName":"BudgetFields"}) as unknown as TypedDocumentString<BudgetFieldsFragment, unknown>;
export const DayBudgetFieldsFragmentDoc = new TypedDocumentString(`
    fragment DayBudgetFields on DayBudget {
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  updatedAt
}
    `, {"fragmentName":"DayBudgetFields"}) as unknown as TypedDocumentString<DayBudgetFieldsFragment, unknown>;
export const IntentFieldsFragmentDoc = new TypedDocumentString(`
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}
    `, {"fragmentName":"IntentFields"}) as unknown as TypedDocumentString<IntentFieldsFragment, unknown>;
export const StepFieldsFragmentDoc = new TypedDocumentString(`
    fragment StepFields on IntentStep {
  seq
  name
  attempt
  status
  durationMs
  outputBytes
  error {
    message
    code
    details
  }
  recordedAt
  usageTotals {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
}
    `, {"fragmentName":"StepFields"}) as unknown as TypedDocumentString<StepFieldsFragment, unknown>;
export const EventFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventFields on IntentEvent {
  id
  intentId
  seq
  kind
  status
  waitingFor
  actor
  data
  at
  cursor
}
    `, {"fragmentName":"EventFields"}) as unknown as TypedDocumentString<EventFieldsFragment, unknown>;
export const UsageTotalsFieldsFragmentDoc = new TypedDocumentString(`
    fragment UsageTotalsFields on UsageTotals {
  calls
  inputTokens
  outputTokens
  cachedTokens
  costUsd
  unpricedCalls
}
    `, {"fragmentName":"UsageTotalsFields"}) as unknown as TypedDocumentString<UsageTotalsFieldsFragment, unknown>;
export const ScheduleFieldsFragmentDoc = new TypedDocumentString(`
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}
    `, {"fragmentName":"ScheduleFields"}) as unknown as TypedDocumentString<ScheduleFieldsFragment, unknown>;
export const StreamPageFieldsFragmentDoc = new TypedDocumentString(`
    fragment StreamPageFields on IntentStreamPage {
  from
  chunks
  next
  length
  closed
}
    `, {"fragmentName":"StreamPageFields"}) as unknown as TypedDocumentString<StreamPageFieldsFragment, unknown>;
export const ApprovalFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApprovalFields on Approval {
  id
  intentId
  type
  title
  description
  options
  assignees
  formSchema
  requireComment
  status
  outcome
  comment
  data
  result
  resolvedBy
  resolvedAt
  requestedBy
  createdAt
  expiresAt
  escalatedFromId
}
    `, {"fragmentName":"ApprovalFields"}) as unknown as TypedDocumentString<ApprovalFieldsFragment, unknown>;
export const WorkerFieldsFragmentDoc = new TypedDocumentString(`
    fragment WorkerFields on Worker {
  id
  identity
  name
  host
  sdk
  sdkVersion
  types
  concurrency
  status
  endReason
  sessionSeconds
  startedAt
  lastSeenAt
  endedAt
  inFlightCount
}
    `, {"fragmentName":"WorkerFields"}) as unknown as TypedDocumentString<WorkerFieldsFragment, unknown>;
export const WorkerSessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment WorkerSessionFields on WorkerSession {
  id
  status
  valid
  heartbeatSeconds
  sessionSeconds
  expiresAt
  worker {
    identity
    endReason
  }
}
    `, {"fragmentName":"WorkerSessionFields"}) as unknown as TypedDocumentString<WorkerSessionFieldsFragment, unknown>;
export const IntentBudgetsDocument = new TypedDocumentString(`
    query IntentBudgets($id: ID!) {
  intent(id: $id) {
    id
    budgets {
      ...BudgetFields
    }
  }
}
    fragment BudgetFields on Budget {
  scope
  intentId
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  exceeded
}`) as unknown as TypedDocumentString<IntentBudgetsQuery, IntentBudgetsQueryVariables>;
export const BudgetsDocument = new TypedDocumentString(`
    query Budgets {
  budgets {
    ...DayBudgetFields
  }
}
    fragment DayBudgetFields on DayBudget {
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  updatedAt
}`) as unknown as TypedDocumentString<BudgetsQuery, BudgetsQueryVariables>;
export const SetBudgetDocument = new TypedDocumentString(`
    mutation SetBudget($type: String, $maxUsd: Float, $maxTokens: Float, $onExceeded: BudgetPolicy) {
  setBudget(
    type: $type
    maxUsd: $maxUsd
    maxTokens: $maxTokens
    onExceeded: $onExceeded
  ) {
    ...DayBudgetFields
  }
}
    fragment DayBudgetFields on DayBudget {
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  updatedAt
}`) as unknown as TypedDocumentString<SetBudgetMutation, SetBudgetMutationVariables>;
export const SetIntentBudgetDocument = new TypedDocumentString(`
    mutation SetIntentBudget($id: ID!, $budget: BudgetInput!) {
  setIntentBudget(id: $id, budget: $budget) {
    ...BudgetFields
  }
}
    fragment BudgetFields on Budget {
  scope
  intentId
  type
  day
  maxUsd
  maxTokens
  onExceeded
  spentUsd
  spentTokens
  exceeded
}`) as unknown as TypedDocumentString<SetIntentBudgetMutation, SetIntentBudgetMutationVariables>;
export const GetIntentDocument = new TypedDocumentString(`
    query GetIntent($id: ID!) {
  intent(id: $id) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<GetIntentQuery, GetIntentQueryVariables>;
export const ListIntentsDocument = new TypedDocumentString(`
    query ListIntents($filter: IntentFilter, $first: Int, $after: String) {
  intents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...IntentFields
    }
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<ListIntentsQuery, ListIntentsQueryVariables>;
export const IntentEventsDocument = new TypedDocumentString(`
    query IntentEvents($intentId: ID!, $after: Int, $first: Int) {
  intentEvents(intentId: $intentId, after: $after, first: $first) {
    ...EventFields
  }
}
    fragment EventFields on IntentEvent {
  id
  intentId
  seq
  kind
  status
  waitingFor
  actor
  data
  at
  cursor
}`) as unknown as TypedDocumentString<IntentEventsQuery, IntentEventsQueryVariables>;
export const SubmitIntentDocument = new TypedDocumentString(`
    mutation SubmitIntent($input: SubmitIntentInput!) {
  submitIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<SubmitIntentMutation, SubmitIntentMutationVariables>;
export const ExecuteIntentDocument = new TypedDocumentString(`
    mutation ExecuteIntent($input: SubmitIntentInput!, $waitSeconds: Int!) {
  submitIntent(input: $input, waitSeconds: $waitSeconds) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<ExecuteIntentMutation, ExecuteIntentMutationVariables>;
export const CancelIntentDocument = new TypedDocumentString(`
    mutation CancelIntent($input: CancelIntentInput!) {
  cancelIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<CancelIntentMutation, CancelIntentMutationVariables>;
export const RetryIntentDocument = new TypedDocumentString(`
    mutation RetryIntent($input: RetryIntentInput!) {
  retryIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<RetryIntentMutation, RetryIntentMutationVariables>;
export const ForkIntentDocument = new TypedDocumentString(`
    mutation ForkIntent($input: ForkIntentInput!) {
  forkIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<ForkIntentMutation, ForkIntentMutationVariables>;
export const IntentForksDocument = new TypedDocumentString(`
    query IntentForks($id: ID!) {
  intent(id: $id) {
    id
    forks {
      ...IntentFields
    }
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<IntentForksQuery, IntentForksQueryVariables>;
export const ClaimIntentDocument = new TypedDocumentString(`
    mutation ClaimIntent($input: ClaimIntentInput!) {
  claimIntent(input: $input) {
    token
    expiresAt
    intent {
      ...IntentFields
      lastWake {
        seq
        kind
        data
        at
      }
      stepNames
    }
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<ClaimIntentMutation, ClaimIntentMutationVariables>;
export const ClaimIntentsDocument = new TypedDocumentString(`
    mutation ClaimIntents($input: ClaimIntentsInput!) {
  claimIntents(input: $input) {
    token
    expiresAt
    intent {
      ...IntentFields
      lastWake {
        seq
        kind
        data
        at
      }
      stepNames
    }
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<ClaimIntentsMutation, ClaimIntentsMutationVariables>;
export const HeartbeatIntentDocument = new TypedDocumentString(`
    mutation HeartbeatIntent($input: HeartbeatIntentInput!) {
  heartbeatIntent(input: $input) {
    token
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<HeartbeatIntentMutation, HeartbeatIntentMutationVariables>;
export const CheckpointIntentDocument = new TypedDocumentString(`
    mutation CheckpointIntent($input: CheckpointIntentInput!) {
  checkpointIntent(input: $input) {
    id
    lastSeq
    checkpoint
  }
}
    `) as unknown as TypedDocumentString<CheckpointIntentMutation, CheckpointIntentMutationVariables>;
export const RecordStepDocument = new TypedDocumentString(`
    mutation RecordStep($input: RecordStepInput!) {
  recordStep(input: $input) {
    seq
    name
    attempt
    status
    durationMs
    outputBytes
  }
}
    `) as unknown as TypedDocumentString<RecordStepMutation, RecordStepMutationVariables>;
export const RecordStepsDocument = new TypedDocumentString(`
    mutation RecordSteps($input: RecordStepsInput!) {
  recordSteps(input: $input) {
    id
    step {
      seq
      name
      attempt
      status
      durationMs
      outputBytes
    }
    error {
      code
      message
      details
    }
  }
}
    `) as unknown as TypedDocumentString<RecordStepsMutation, RecordStepsMutationVariables>;
export const StepOutputDocument = new TypedDocumentString(`
    query StepOutput($id: ID!, $name: String!) {
  intent(id: $id) {
    steps(name: $name) {
      status
      output
    }
  }
}
    `) as unknown as TypedDocumentString<StepOutputQuery, StepOutputQueryVariables>;
export const IntentStepsDocument = new TypedDocumentString(`
    query IntentSteps($id: ID!, $first: Int, $withOutput: Boolean = false) {
  intent(id: $id) {
    id
    attempt
    steps(first: $first) {
      ...StepFields
      output @include(if: $withOutput)
    }
  }
}
    fragment StepFields on IntentStep {
  seq
  name
  attempt
  status
  durationMs
  outputBytes
  error {
    message
    code
    details
  }
  recordedAt
  usageTotals {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
}`) as unknown as TypedDocumentString<IntentStepsQuery, IntentStepsQueryVariables>;
export const CompleteIntentDocument = new TypedDocumentString(`
    mutation CompleteIntent($input: CompleteIntentInput!) {
  completeIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<CompleteIntentMutation, CompleteIntentMutationVariables>;
export const CompleteIntentsDocument = new TypedDocumentString(`
    mutation CompleteIntents($input: CompleteIntentsInput!) {
  completeIntents(input: $input) {
    id
    intent {
      ...IntentFields
    }
    error {
      code
      message
      details
    }
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<CompleteIntentsMutation, CompleteIntentsMutationVariables>;
export const CompleteIntentsAckDocument = new TypedDocumentString(`
    mutation CompleteIntentsAck($input: CompleteIntentsInput!) {
  completeIntents(input: $input) {
    id
    intent {
      id
      status
    }
    error {
      code
      message
      details
    }
  }
}
    `) as unknown as TypedDocumentString<CompleteIntentsAckMutation, CompleteIntentsAckMutationVariables>;
export const FailIntentDocument = new TypedDocumentString(`
    mutation FailIntent($input: FailIntentInput!) {
  failIntent(input: $input) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<FailIntentMutation, FailIntentMutationVariables>;
export const IntentUsageDocument = new TypedDocumentString(`
    query IntentUsage($id: ID!) {
  intent(id: $id) {
    id
    own: usage {
      ...UsageTotalsFields
    }
    total: usage(includingChildren: true) {
      ...UsageTotalsFields
    }
  }
}
    fragment UsageTotalsFields on UsageTotals {
  calls
  inputTokens
  outputTokens
  cachedTokens
  costUsd
  unpricedCalls
}`) as unknown as TypedDocumentString<IntentUsageQuery, IntentUsageQueryVariables>;
export const UsageDocument = new TypedDocumentString(`
    query Usage($filter: UsageFilter, $groupBy: [UsageGroup!], $first: Int) {
  usage(filter: $filter, groupBy: $groupBy, first: $first) {
    type
    model
    day
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
}
    `) as unknown as TypedDocumentString<UsageQuery, UsageQueryVariables>;
export const WatchEventsDocument = new TypedDocumentString(`
    subscription WatchEvents($filter: IntentEventFilter, $after: String) {
  intentEvents(filter: $filter, after: $after) {
    ...EventFields
  }
}
    fragment EventFields on IntentEvent {
  id
  intentId
  seq
  kind
  status
  waitingFor
  actor
  data
  at
  cursor
}`) as unknown as TypedDocumentString<WatchEventsSubscription, WatchEventsSubscriptionVariables>;
export const WatchIntentDocument = new TypedDocumentString(`
    subscription WatchIntent($id: ID!, $statuses: [IntentStatus!]) {
  intentChanged(id: $id, statuses: $statuses) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<WatchIntentSubscription, WatchIntentSubscriptionVariables>;
export const GetScheduleDocument = new TypedDocumentString(`
    query GetSchedule($id: ID, $name: String, $next: Int) {
  schedule(id: $id, name: $name) {
    ...ScheduleFields
    nextFires(n: $next)
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<GetScheduleQuery, GetScheduleQueryVariables>;
export const ListSchedulesDocument = new TypedDocumentString(`
    query ListSchedules($filter: ScheduleFilter, $first: Int, $after: String) {
  schedules(filter: $filter, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...ScheduleFields
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<ListSchedulesQuery, ListSchedulesQueryVariables>;
export const CreateScheduleDocument = new TypedDocumentString(`
    mutation CreateSchedule($input: CreateScheduleInput!) {
  createSchedule(input: $input) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateScheduleMutation, CreateScheduleMutationVariables>;
export const UpdateScheduleDocument = new TypedDocumentString(`
    mutation UpdateSchedule($input: UpdateScheduleInput!) {
  updateSchedule(input: $input) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateScheduleMutation, UpdateScheduleMutationVariables>;
export const PauseScheduleDocument = new TypedDocumentString(`
    mutation PauseSchedule($id: ID!, $reason: String) {
  pauseSchedule(id: $id, reason: $reason) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<PauseScheduleMutation, PauseScheduleMutationVariables>;
export const ResumeScheduleDocument = new TypedDocumentString(`
    mutation ResumeSchedule($id: ID!) {
  resumeSchedule(id: $id) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
    labels
    priority
    maxAttempts
    deadlineSeconds
    attemptTimeoutSeconds
    concurrencyKey
    concurrencyLimit
  }
  overlap
  catchUp
  jitterSeconds
  startAt
  endAt
  paused
  pausedReason
  nextFireAt
  bufferedFireAt
  lastFireAt
  lastIntent {
    id
    status
  }
  fireCount
  skipCount
  lastSkipAt
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<ResumeScheduleMutation, ResumeScheduleMutationVariables>;
export const DeleteScheduleDocument = new TypedDocumentString(`
    mutation DeleteSchedule($id: ID!) {
  deleteSchedule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteScheduleMutation, DeleteScheduleMutationVariables>;
export const TriggerScheduleDocument = new TypedDocumentString(`
    mutation TriggerSchedule($id: ID!) {
  triggerSchedule(id: $id) {
    ...IntentFields
  }
}
    fragment IntentFields on Intent {
  id
  type
  status
  waitingFor
  input
  output
  error {
    message
    code
    retryable
    details
  }
  checkpoint
  attempt
  maxAttempts
  priority
  idempotencyKey
  parentId
  labels
  lease {
    agent
    expiresAt
  }
  runAt
  createdAt
  updatedAt
  finishedAt
  lastSeq
  progress
  forkedFromId
  forkedFromStep
  forkedFromSeq
}`) as unknown as TypedDocumentString<TriggerScheduleMutation, TriggerScheduleMutationVariables>;
export const AppendStreamDocument = new TypedDocumentString(`
    mutation AppendStream($input: AppendStreamInput!) {
  appendStream(input: $input) {
    stream
    from
    next
  }
}
    `) as unknown as TypedDocumentString<AppendStreamMutation, AppendStreamMutationVariables>;
export const CloseStreamDocument = new TypedDocumentString(`
    mutation CloseStream($input: CloseStreamInput!) {
  closeStream(input: $input) {
    stream
    from
    next
  }
}
    `) as unknown as TypedDocumentString<CloseStreamMutation, CloseStreamMutationVariables>;
export const ReadStreamDocument = new TypedDocumentString(`
    query ReadStream($id: ID!, $stream: String!, $from: Int, $limit: Int) {
  intentStream(id: $id, stream: $stream, from: $from, limit: $limit) {
    ...StreamPageFields
  }
}
    fragment StreamPageFields on IntentStreamPage {
  from
  chunks
  next
  length
  closed
}`) as unknown as TypedDocumentString<ReadStreamQuery, ReadStreamQueryVariables>;
export const FollowStreamDocument = new TypedDocumentString(`
    subscription FollowStream($id: ID!, $stream: String!, $from: Int) {
  intentStream(id: $id, stream: $stream, from: $from) {
    ...StreamPageFields
  }
}
    fragment StreamPageFields on IntentStreamPage {
  from
  chunks
  next
  length
  closed
}`) as unknown as TypedDocumentString<FollowStreamSubscription, FollowStreamSubscriptionVariables>;
export const GetApprovalDocument = new TypedDocumentString(`
    query GetApproval($id: ID!) {
  approval(id: $id) {
    ...ApprovalFields
  }
}
    fragment ApprovalFields on Approval {
  id
  intentId
  type
  title
  description
  options
  assignees
  formSchema
  requireComment
  status
  outcome
  comment
  data
  result
  resolvedBy
  resolvedAt
  requestedBy
  createdAt
  expiresAt
  escalatedFromId
}`) as unknown as TypedDocumentString<GetApprovalQuery, GetApprovalQueryVariables>;
export const ListApprovalsDocument = new TypedDocumentString(`
    query ListApprovals($filter: ApprovalFilter, $first: Int, $after: String) {
  approvals(filter: $filter, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...ApprovalFields
    }
  }
}
    fragment ApprovalFields on Approval {
  id
  intentId
  type
  title
  description
  options
  assignees
  formSchema
  requireComment
  status
  outcome
  comment
  data
  result
  resolvedBy
  resolvedAt
  requestedBy
  createdAt
  expiresAt
  escalatedFromId
}`) as unknown as TypedDocumentString<ListApprovalsQuery, ListApprovalsQueryVariables>;
export const ResolveApprovalDocument = new TypedDocumentString(`
    mutation ResolveApproval($input: ResolveApprovalInput!) {
  resolveApproval(input: $input) {
    ...ApprovalFields
  }
}
    fragment ApprovalFields on Approval {
  id
  intentId
  type
  title
  description
  options
  assignees
  formSchema
  requireComment
  status
  outcome
  comment
  data
  result
  resolvedBy
  resolvedAt
  requestedBy
  createdAt
  expiresAt
  escalatedFromId
}`) as unknown as TypedDocumentString<ResolveApprovalMutation, ResolveApprovalMutationVariables>;
export const SignalIntentDocument = new TypedDocumentString(`
    mutation SignalIntent($input: SignalIntentInput!) {
  signalIntent(input: $input) {
    id
    intentId
    name
    payload
    sentBy
    receivedAt
    consumedAt
  }
}
    `) as unknown as TypedDocumentString<SignalIntentMutation, SignalIntentMutationVariables>;
export const ApprovalOutcomeDocument = new TypedDocumentString(`
    query ApprovalOutcome($id: ID!) {
  intent(id: $id) {
    id
    approvals(first: 20) {
      ...ApprovalFields
    }
  }
}
    fragment ApprovalFields on Approval {
  id
  intentId
  type
  title
  description
  options
  assignees
  formSchema
  requireComment
  status
  outcome
  comment
  data
  result
  resolvedBy
  resolvedAt
  requestedBy
  createdAt
  expiresAt
  escalatedFromId
}`) as unknown as TypedDocumentString<ApprovalOutcomeQuery, ApprovalOutcomeQueryVariables>;
export const SignalOutcomeDocument = new TypedDocumentString(`
    query SignalOutcome($id: ID!, $name: String!, $after: ID) {
  intent(id: $id) {
    id
    signals(name: $name, after: $after) {
      id
      name
      payload
      sentBy
      receivedAt
      consumedAt
    }
  }
}
    `) as unknown as TypedDocumentString<SignalOutcomeQuery, SignalOutcomeQueryVariables>;
export const ChildrenOutcomeDocument = new TypedDocumentString(`
    query ChildrenOutcome($id: ID!, $after: String) {
  intent(id: $id) {
    id
    children(first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        type
        status
        output
        error {
          message
          code
          retryable
          details
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ChildrenOutcomeQuery, ChildrenOutcomeQueryVariables>;
export const RequestApprovalDocument = new TypedDocumentString(`
    mutation RequestApproval($input: RequestApprovalInput!) {
  requestApproval(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<RequestApprovalMutation, RequestApprovalMutationVariables>;
export const WaitForSignalDocument = new TypedDocumentString(`
    mutation WaitForSignal($input: WaitForSignalInput!) {
  waitForSignal(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<WaitForSignalMutation, WaitForSignalMutationVariables>;
export const WaitForChildrenDocument = new TypedDocumentString(`
    mutation WaitForChildren($input: WaitForChildrenInput!) {
  waitForChildren(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<WaitForChildrenMutation, WaitForChildrenMutationVariables>;
export const SleepIntentDocument = new TypedDocumentString(`
    mutation SleepIntent($input: SleepIntentInput!) {
  sleepIntent(input: $input) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<SleepIntentMutation, SleepIntentMutationVariables>;
export const ReportProgressDocument = new TypedDocumentString(`
    mutation ReportProgress($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ReportProgressMutation, ReportProgressMutationVariables>;
export const ListWorkersDocument = new TypedDocumentString(`
    query ListWorkers($filter: WorkersFilter, $first: Int) {
  workers(filter: $filter, first: $first) {
    ...WorkerFields
    inFlight {
      id
      type
    }
  }
}
    fragment WorkerFields on Worker {
  id
  identity
  name
  host
  sdk
  sdkVersion
  types
  concurrency
  status
  endReason
  sessionSeconds
  startedAt
  lastSeenAt
  endedAt
  inFlightCount
}`) as unknown as TypedDocumentString<ListWorkersQuery, ListWorkersQueryVariables>;
export const RegisterWorkerDocument = new TypedDocumentString(`
    mutation RegisterWorker($input: RegisterWorkerInput!) {
  registerWorker(input: $input) {
    ...WorkerSessionFields
  }
}
    fragment WorkerSessionFields on WorkerSession {
  id
  status
  valid
  heartbeatSeconds
  sessionSeconds
  expiresAt
  worker {
    identity
    endReason
  }
}`) as unknown as TypedDocumentString<RegisterWorkerMutation, RegisterWorkerMutationVariables>;
export const HeartbeatWorkerDocument = new TypedDocumentString(`
    mutation HeartbeatWorker($input: WorkerIdInput!) {
  heartbeatWorker(input: $input) {
    ...WorkerSessionFields
  }
}
    fragment WorkerSessionFields on WorkerSession {
  id
  status
  valid
  heartbeatSeconds
  sessionSeconds
  expiresAt
  worker {
    identity
    endReason
  }
}`) as unknown as TypedDocumentString<HeartbeatWorkerMutation, HeartbeatWorkerMutationVariables>;
export const StopWorkerDocument = new TypedDocumentString(`
    mutation StopWorker($input: WorkerIdInput!) {
  stopWorker(input: $input) {
    ...WorkerFields
  }
}
    fragment WorkerFields on Worker {
  id
  identity
  name
  host
  sdk
  sdkVersion
  types
  concurrency
  status
  endReason
  sessionSeconds
  startedAt
  lastSeenAt
  endedAt
  inFlightCount
}`) as unknown as TypedDocumentString<StopWorkerMutation, StopWorkerMutationVariables>;
export const ReleaseIntentDocument = new TypedDocumentString(`
    mutation ReleaseIntent($input: ReleaseIntentInput!) {
  releaseIntent(input: $input) {
    id
    status
    attempt
  }
}
    `) as unknown as TypedDocumentString<ReleaseIntentMutation, ReleaseIntentMutationVariables>;