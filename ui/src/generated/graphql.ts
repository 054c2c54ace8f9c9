/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** PENDING until a human resolves it (RESOLVED), it times out (TIMED_OUT), it is handed to escalateTo (ESCALATED), or its intent ends (CANCELLED). */
export type ApprovalStatus =
  | 'CANCELLED'
  | 'ESCALATED'
  | 'PENDING'
  | 'RESOLVED'
  | 'TIMED_OUT';

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

/** What an attempt that leaves no retry (attempts used up, or a non-retryable error) does: FAIL ends the intent FAILED; ESCALATE has it wait for a human on an `axme.escalation` approval (options retry, fork, fail). */
export type OnExhausted =
  | 'ESCALATE'
  | 'FAIL';

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

/** viewer reads and subscribes; agent also submits and works intents; approver also resolves approvals; admin also manages keys and operations. */
export type Role =
  | 'ADMIN'
  | 'AGENT'
  | 'APPROVER'
  | 'VIEWER';

/** Fires missed while no instance ran (downtime). SKIP: none; only fires less than a minute late are made. ONE: the newest missed fire, once. ALL: every missed fire, the newest 100 at most. */
export type ScheduleCatchUpPolicy =
  | 'ALL'
  | 'ONE'
  | 'SKIP';

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

/** Why a WAITING intent waits. */
export type WaitingFor =
  | 'APPROVAL'
  | 'CHILDREN'
  | 'SIGNAL'
  | 'TIME';

/** CONNECTED while heartbeats arrive; STOPPED when the worker ended its session; LOST when its heartbeats stopped or a restart took its identity. */
export type WorkerStatus =
  | 'CONNECTED'
  | 'LOST'
  | 'STOPPED';

export type ApprovalCardFragment = { id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, result: unknown, intent: { id: string, type: string, status: IntentStatus, attempt: number, maxAttempts: number, error: { message: string, code: string | null } | null, lease: { agent: string | null } | null } | null };

export type ApprovalInboxQueryVariables = Exact<{
  status?: Array<ApprovalStatus> | ApprovalStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ApprovalInboxQuery = { approvals: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, result: unknown, intent: { id: string, type: string, status: IntentStatus, attempt: number, maxAttempts: number, error: { message: string, code: string | null } | null, lease: { agent: string | null } | null } | null }> } };

export type ResolveApprovalMutationVariables = Exact<{
  input: ResolveApprovalInput;
}>;


export type ResolveApprovalMutation = { resolveApproval: { id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, result: unknown, intent: { id: string, type: string, status: IntentStatus, attempt: number, maxAttempts: number, error: { message: string, code: string | null } | null, lease: { agent: string | null } | null } | null } };

export type ApprovalEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ApprovalEventsSubscription = { intentEvents: { cursor: string, kind: IntentEventKind, intentId: string } };

export type IntentApprovalsQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentApprovalsQuery = { intent: { id: string, approvals: Array<{ id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, result: unknown, intent: { id: string, type: string, status: IntentStatus, attempt: number, maxAttempts: number, error: { message: string, code: string | null } | null, lease: { agent: string | null } | null } | null }> } | null };

export type EscalationStepsQueryVariables = Exact<{
  id: string | number;
}>;


export type EscalationStepsQuery = { intent: { id: string, steps: Array<{ name: string }> } | null };

export type ChildNodeFragment = { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, createdAt: string };

export type IntentDetailFragment = { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, worker: { id: string, name: string, host: string | null, status: WorkerStatus } | null, schedule: { id: string, name: string } | null, usage: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, familyUsage: { calls: number, costUsd: number, unpricedCalls: number }, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }>, lease: { agent: string | null, expiresAt: string } | null };

export type IntentChildrenQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentChildrenQuery = { intent: { id: string, children: { totalCount: number, nodes: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, createdAt: string, children: { totalCount: number } }> } } | null };

export type IntentPageQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentPageQuery = { intent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, worker: { id: string, name: string, host: string | null, status: WorkerStatus } | null, schedule: { id: string, name: string } | null, usage: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, familyUsage: { calls: number, costUsd: number, unpricedCalls: number }, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }>, lease: { agent: string | null, expiresAt: string } | null } | null };

export type IntentEventsPageQueryVariables = Exact<{
  id: string | number;
  after?: number | null | undefined;
}>;


export type IntentEventsPageQuery = { intentEvents: Array<{ id: string, seq: number, cursor: string, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string }> };

export type TimelineEventFragment = { id: string, seq: number, cursor: string, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string };

export type IntentChangedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type IntentChangedSubscription = { intentChanged: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, worker: { id: string, name: string, host: string | null, status: WorkerStatus } | null, schedule: { id: string, name: string } | null, usage: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, familyUsage: { calls: number, costUsd: number, unpricedCalls: number }, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }>, lease: { agent: string | null, expiresAt: string } | null } };

export type IntentTimelineSubscriptionVariables = Exact<{
  after?: string | null | undefined;
  filter?: IntentEventFilter | null | undefined;
}>;


export type IntentTimelineSubscription = { intentEvents: { id: string, seq: number, cursor: string, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string } };

export type ChildEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
  parentId: string | number;
}>;


export type ChildEventsSubscription = { intentEvents: { cursor: string } };

export type ForkIntentMutationVariables = Exact<{
  input: ForkIntentInput;
}>;


export type ForkIntentMutation = { forkIntent: { id: string } };

export type IntentForksQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentForksQuery = { intent: { id: string, forks: Array<{ id: string, status: IntentStatus, forkedFromStep: string | null, createdAt: string }> } | null };

export type IntentRowFragment = { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, lease: { agent: string | null, expiresAt: string } | null };

export type IntentListQueryVariables = Exact<{
  filter?: IntentFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type IntentListQuery = { intents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, lease: { agent: string | null, expiresAt: string } | null }> } };

export type IntentCountsQueryVariables = Exact<{
  filter?: IntentFilter | null | undefined;
}>;


export type IntentCountsQuery = { intentCounts: { total: number, exact: boolean, byStatus: Array<{ status: IntentStatus, count: number, exact: boolean }> } };

export type LiveIntentEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
  filter?: IntentEventFilter | null | undefined;
}>;


export type LiveIntentEventsSubscription = { intentEvents: { cursor: string, kind: IntentEventKind, intentId: string, intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, lease: { agent: string | null, expiresAt: string } | null } } };

export type CancelIntentMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type CancelIntentMutation = { cancelIntent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, worker: { id: string, name: string, host: string | null, status: WorkerStatus } | null, schedule: { id: string, name: string } | null, usage: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, familyUsage: { calls: number, costUsd: number, unpricedCalls: number }, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }>, lease: { agent: string | null, expiresAt: string } | null } };

export type RetryIntentMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryIntentMutation = { retryIntent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, worker: { id: string, name: string, host: string | null, status: WorkerStatus } | null, schedule: { id: string, name: string } | null, usage: { calls: number, inputTokens: number, outputTokens: number, cachedTokens: number, costUsd: number, unpricedCalls: number }, familyUsage: { calls: number, costUsd: number, unpricedCalls: number }, budgets: Array<{ scope: BudgetScope, intentId: string | null, type: string | null, day: string | null, maxUsd: number | null, maxTokens: number | null, onExceeded: BudgetPolicy, spentUsd: number, spentTokens: number, exceeded: boolean }>, lease: { agent: string | null, expiresAt: string } | null } };

export type SubmitIntentMutationVariables = Exact<{
  input: SubmitIntentInput;
}>;


export type SubmitIntentMutation = { submitIntent: { id: string } };

export type IntentTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type IntentTypesQuery = { intentTypes: Array<{ type: string, recent: number, exampleInput: unknown, paused: boolean }> };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { namespace: string, principal: string | null, role: Role, authenticated: boolean } };

export type ScheduleRowFragment = { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, intent: { type: string, input: unknown }, lastIntent: { id: string, status: IntentStatus } | null };

export type ScheduleListQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type ScheduleListQuery = { schedules: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, intent: { type: string, input: unknown }, lastIntent: { id: string, status: IntentStatus } | null }> } };

export type CreateScheduleFormMutationVariables = Exact<{
  input: CreateScheduleInput;
}>;


export type CreateScheduleFormMutation = { createSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, intent: { type: string, input: unknown }, lastIntent: { id: string, status: IntentStatus } | null } };

export type PauseScheduleRowMutationVariables = Exact<{
  id: string | number;
}>;


export type PauseScheduleRowMutation = { pauseSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, intent: { type: string, input: unknown }, lastIntent: { id: string, status: IntentStatus } | null } };

export type ResumeScheduleRowMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeScheduleRowMutation = { resumeSchedule: { id: string, name: string, cron: string | null, timezone: string, intervalSeconds: number | null, overlap: ScheduleOverlapPolicy, catchUp: ScheduleCatchUpPolicy, jitterSeconds: number, endAt: string | null, paused: boolean, pausedReason: string | null, nextFireAt: string | null, bufferedFireAt: string | null, lastFireAt: string | null, fireCount: number, skipCount: number, intent: { type: string, input: unknown }, lastIntent: { id: string, status: IntentStatus } | null } };

export type DeleteScheduleRowMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteScheduleRowMutation = { deleteSchedule: boolean };

export type TriggerScheduleRowMutationVariables = Exact<{
  id: string | number;
}>;


export type TriggerScheduleRowMutation = { triggerSchedule: { id: string } };

export type IntentStreamsQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentStreamsQuery = { intent: { id: string, status: IntentStatus, streams: Array<{ name: string, length: number, closed: boolean }> } | null };

export type StreamPagesSubscriptionVariables = Exact<{
  id: string | number;
  stream: string;
  from?: number | null | undefined;
}>;


export type StreamPagesSubscription = { intentStream: { from: number, chunks: Array<string>, next: number, length: number, closed: boolean } };

export type UsageRowFragment = { type: string | null, model: string | null, day: string | null, calls: number, inputTokens: number, outputTokens: number, costUsd: number, unpricedCalls: number };

export type UsageOverviewQueryVariables = Exact<{
  filter: UsageFilter;
}>;


export type UsageOverviewQuery = { byDay: Array<{ type: string | null, model: string | null, day: string | null, calls: number, inputTokens: number, outputTokens: number, costUsd: number, unpricedCalls: number }>, byModel: Array<{ type: string | null, model: string | null, day: string | null, calls: number, inputTokens: number, outputTokens: number, costUsd: number, unpricedCalls: number }>, byType: Array<{ type: string | null, model: string | null, day: string | null, calls: number, inputTokens: number, outputTokens: number, costUsd: number, unpricedCalls: number }> };

export type UsageStepEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type UsageStepEventsSubscription = { intentEvents: { cursor: string } };

export type WorkerRowFragment = { id: string, identity: string, name: string, host: string | null, sdk: string | null, sdkVersion: string | null, types: Array<string>, concurrency: number, status: WorkerStatus, endReason: string | null, startedAt: string, lastSeenAt: string, inFlightCount: number, inFlight: Array<{ id: string, type: string }> };

export type WorkersListQueryVariables = Exact<{
  status?: Array<WorkerStatus> | WorkerStatus | null | undefined;
  first?: number | null | undefined;
}>;


export type WorkersListQuery = { workers: Array<{ id: string, identity: string, name: string, host: string | null, sdk: string | null, sdkVersion: string | null, types: Array<string>, concurrency: number, status: WorkerStatus, endReason: string | null, startedAt: string, lastSeenAt: string, inFlightCount: number, inFlight: Array<{ id: string, type: string }> }> };

export type WorkerLeaseEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type WorkerLeaseEventsSubscription = { intentEvents: { cursor: string, kind: IntentEventKind, intentId: string } };

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
export const ApprovalCardFragmentDoc = new TypedDocumentString(`
    fragment ApprovalCard on Approval {
  id
  intentId
  title
  description
  type
  status
  options
  outcome
  comment
  data
  formSchema
  requireComment
  requestedBy
  resolvedBy
  resolvedAt
  createdAt
  expiresAt
  assignees
  escalatedFromId
  result
  intent {
    id
    type
    status
    attempt
    maxAttempts
    error {
      message
      code
    }
    lease {
      agent
    }
  }
}
    `, {"fragmentName":"ApprovalCard"}) as unknown as TypedDocumentString<ApprovalCardFragment, unknown>;
export const ChildNodeFragmentDoc = new TypedDocumentString(`
    fragment ChildNode on Intent {
  id
  type
  status
  waitingFor
  createdAt
}
    `, {"fragmentName":"ChildNode"}) as unknown as TypedDocumentString<ChildNodeFragment, unknown>;
export const IntentRowFragmentDoc = new TypedDocumentString(`
    fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}
    `, {"fragmentName":"IntentRow"}) as unknown as TypedDocumentString<IntentRowFragment, unknown>;
export const IntentDetailFragmentDoc = new TypedDocumentString(`
    fragment IntentDetail on Intent {
  ...IntentRow
  priority
  deadline
  runAt
  finishedAt
  parentId
  forkedFromId
  forkedFromStep
  idempotencyKey
  input
  output
  checkpoint
  progress
  error {
    message
    code
    retryable
    details
  }
  attempts {
    number
    agent
    startedAt
    endedAt
    outcome
    error {
      message
      code
    }
  }
  worker {
    id
    name
    host
    status
  }
  schedule {
    id
    name
  }
  usage {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
  familyUsage: usage(includingChildren: true) {
    calls
    costUsd
    unpricedCalls
  }
  budgets {
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
}
    fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`, {"fragmentName":"IntentDetail"}) as unknown as TypedDocumentString<IntentDetailFragment, unknown>;
export const TimelineEventFragmentDoc = new TypedDocumentString(`
    fragment TimelineEvent on IntentEvent {
  id
  seq
  cursor
  kind
  status
  waitingFor
  actor
  data
  at
}
    `, {"fragmentName":"TimelineEvent"}) as unknown as TypedDocumentString<TimelineEventFragment, unknown>;
export const ScheduleRowFragmentDoc = new TypedDocumentString(`
    fragment ScheduleRow on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
  }
  overlap
  catchUp
  jitterSeconds
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
}
    `, {"fragmentName":"ScheduleRow"}) as unknown as TypedDocumentString<ScheduleRowFragment, unknown>;
export const UsageRowFragmentDoc = new TypedDocumentString(`
    fragment UsageRow on UsageBucket {
  type
  model
  day
  calls
  inputTokens
  outputTokens
  costUsd
  unpricedCalls
}
    `, {"fragmentName":"UsageRow"}) as unknown as TypedDocumentString<UsageRowFragment, unknown>;
export const WorkerRowFragmentDoc = new TypedDocumentString(`
    fragment WorkerRow on Worker {
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
  startedAt
  lastSeenAt
  inFlightCount
  inFlight {
    id
    type
  }
}
    `, {"fragmentName":"WorkerRow"}) as unknown as TypedDocumentString<WorkerRowFragment, unknown>;
export const ApprovalInboxDocument = new TypedDocumentString(`
    query ApprovalInbox($status: [ApprovalStatus!], $first: Int, $after: String) {
  approvals(filter: {status: $status}, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...ApprovalCard
    }
  }
}
    fragment ApprovalCard on Approval {
  id
  intentId
  title
  description
  type
  status
  options
  outcome
  comment
  data
  formSchema
  requireComment
  requestedBy
  resolvedBy
  resolvedAt
  createdAt
  expiresAt
  assignees
  escalatedFromId
  result
  intent {
    id
    type
    status
    attempt
    maxAttempts
    error {
      message
      code
    }
    lease {
      agent
    }
  }
}`) as unknown as TypedDocumentString<ApprovalInboxQuery, ApprovalInboxQueryVariables>;
export const ResolveApprovalDocument = new TypedDocumentString(`
    mutation ResolveApproval($input: ResolveApprovalInput!) {
  resolveApproval(input: $input) {
    ...ApprovalCard
  }
}
    fragment ApprovalCard on Approval {
  id
  intentId
  title
  description
  type
  status
  options
  outcome
  comment
  data
  formSchema
  requireComment
  requestedBy
  resolvedBy
  resolvedAt
  createdAt
  expiresAt
  assignees
  escalatedFromId
  result
  intent {
    id
    type
    status
    attempt
    maxAttempts
    error {
      message
      code
    }
    lease {
      agent
    }
  }
}`) as unknown as TypedDocumentString<ResolveApprovalMutation, ResolveApprovalMutationVariables>;
export const ApprovalEventsDocument = new TypedDocumentString(`
    subscription ApprovalEvents($after: String) {
  intentEvents(
    after: $after
    filter: {kinds: [APPROVAL_REQUESTED, APPROVAL_RESOLVED, APPROVAL_TIMED_OUT, APPROVAL_ESCALATED, FAILURE_ESCALATED, CANCELLED]}
  ) {
    cursor
    kind
    intentId
  }
}
    `) as unknown as TypedDocumentString<ApprovalEventsSubscription, ApprovalEventsSubscriptionVariables>;
export const IntentApprovalsDocument = new TypedDocumentString(`
    query IntentApprovals($id: ID!) {
  intent(id: $id) {
    id
    approvals(first: 20) {
      ...ApprovalCard
    }
  }
}
    fragment ApprovalCard on Approval {
  id
  intentId
  title
  description
  type
  status
  options
  outcome
  comment
  data
  formSchema
  requireComment
  requestedBy
  resolvedBy
  resolvedAt
  createdAt
  expiresAt
  assignees
  escalatedFromId
  result
  intent {
    id
    type
    status
    attempt
    maxAttempts
    error {
      message
      code
    }
    lease {
      agent
    }
  }
}`) as unknown as TypedDocumentString<IntentApprovalsQuery, IntentApprovalsQueryVariables>;
export const EscalationStepsDocument = new TypedDocumentString(`
    query EscalationSteps($id: ID!) {
  intent(id: $id) {
    id
    steps {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<EscalationStepsQuery, EscalationStepsQueryVariables>;
export const IntentChildrenDocument = new TypedDocumentString(`
    query IntentChildren($id: ID!) {
  intent(id: $id) {
    id
    children(first: 50) {
      totalCount
      nodes {
        ...ChildNode
        children(first: 0) {
          totalCount
        }
      }
    }
  }
}
    fragment ChildNode on Intent {
  id
  type
  status
  waitingFor
  createdAt
}`) as unknown as TypedDocumentString<IntentChildrenQuery, IntentChildrenQueryVariables>;
export const IntentPageDocument = new TypedDocumentString(`
    query IntentPage($id: ID!) {
  intent(id: $id) {
    ...IntentDetail
  }
}
    fragment IntentDetail on Intent {
  ...IntentRow
  priority
  deadline
  runAt
  finishedAt
  parentId
  forkedFromId
  forkedFromStep
  idempotencyKey
  input
  output
  checkpoint
  progress
  error {
    message
    code
    retryable
    details
  }
  attempts {
    number
    agent
    startedAt
    endedAt
    outcome
    error {
      message
      code
    }
  }
  worker {
    id
    name
    host
    status
  }
  schedule {
    id
    name
  }
  usage {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
  familyUsage: usage(includingChildren: true) {
    calls
    costUsd
    unpricedCalls
  }
  budgets {
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
}
fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<IntentPageQuery, IntentPageQueryVariables>;
export const IntentEventsPageDocument = new TypedDocumentString(`
    query IntentEventsPage($id: ID!, $after: Int) {
  intentEvents(intentId: $id, after: $after, first: 100) {
    ...TimelineEvent
  }
}
    fragment TimelineEvent on IntentEvent {
  id
  seq
  cursor
  kind
  status
  waitingFor
  actor
  data
  at
}`) as unknown as TypedDocumentString<IntentEventsPageQuery, IntentEventsPageQueryVariables>;
export const IntentChangedDocument = new TypedDocumentString(`
    subscription IntentChanged($id: ID!) {
  intentChanged(id: $id) {
    ...IntentDetail
  }
}
    fragment IntentDetail on Intent {
  ...IntentRow
  priority
  deadline
  runAt
  finishedAt
  parentId
  forkedFromId
  forkedFromStep
  idempotencyKey
  input
  output
  checkpoint
  progress
  error {
    message
    code
    retryable
    details
  }
  attempts {
    number
    agent
    startedAt
    endedAt
    outcome
    error {
      message
      code
    }
  }
  worker {
    id
    name
    host
    status
  }
  schedule {
    id
    name
  }
  usage {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
  familyUsage: usage(includingChildren: true) {
    calls
    costUsd
    unpricedCalls
  }
  budgets {
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
}
fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<IntentChangedSubscription, IntentChangedSubscriptionVariables>;
export const IntentTimelineDocument = new TypedDocumentString(`
    subscription IntentTimeline($after: String, $filter: IntentEventFilter) {
  intentEvents(after: $after, filter: $filter) {
    ...TimelineEvent
  }
}
    fragment TimelineEvent on IntentEvent {
  id
  seq
  cursor
  kind
  status
  waitingFor
  actor
  data
  at
}`) as unknown as TypedDocumentString<IntentTimelineSubscription, IntentTimelineSubscriptionVariables>;
export const ChildEventsDocument = new TypedDocumentString(`
    subscription ChildEvents($after: String, $parentId: ID!) {
  intentEvents(after: $after, filter: {parentId: $parentId}) {
    cursor
  }
}
    `) as unknown as TypedDocumentString<ChildEventsSubscription, ChildEventsSubscriptionVariables>;
export const ForkIntentDocument = new TypedDocumentString(`
    mutation ForkIntent($input: ForkIntentInput!) {
  forkIntent(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ForkIntentMutation, ForkIntentMutationVariables>;
export const IntentForksDocument = new TypedDocumentString(`
    query IntentForks($id: ID!) {
  intent(id: $id) {
    id
    forks {
      id
      status
      forkedFromStep
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<IntentForksQuery, IntentForksQueryVariables>;
export const IntentListDocument = new TypedDocumentString(`
    query IntentList($filter: IntentFilter, $first: Int, $after: String) {
  intents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...IntentRow
    }
  }
}
    fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<IntentListQuery, IntentListQueryVariables>;
export const IntentCountsDocument = new TypedDocumentString(`
    query IntentCounts($filter: IntentFilter) {
  intentCounts(filter: $filter) {
    total
    exact
    byStatus {
      status
      count
      exact
    }
  }
}
    `) as unknown as TypedDocumentString<IntentCountsQuery, IntentCountsQueryVariables>;
export const LiveIntentEventsDocument = new TypedDocumentString(`
    subscription LiveIntentEvents($after: String, $filter: IntentEventFilter) {
  intentEvents(after: $after, filter: $filter) {
    cursor
    kind
    intentId
    intent {
      ...IntentRow
    }
  }
}
    fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<LiveIntentEventsSubscription, LiveIntentEventsSubscriptionVariables>;
export const CancelIntentDocument = new TypedDocumentString(`
    mutation CancelIntent($id: ID!, $reason: String) {
  cancelIntent(input: {id: $id, reason: $reason}) {
    ...IntentDetail
  }
}
    fragment IntentDetail on Intent {
  ...IntentRow
  priority
  deadline
  runAt
  finishedAt
  parentId
  forkedFromId
  forkedFromStep
  idempotencyKey
  input
  output
  checkpoint
  progress
  error {
    message
    code
    retryable
    details
  }
  attempts {
    number
    agent
    startedAt
    endedAt
    outcome
    error {
      message
      code
    }
  }
  worker {
    id
    name
    host
    status
  }
  schedule {
    id
    name
  }
  usage {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
  familyUsage: usage(includingChildren: true) {
    calls
    costUsd
    unpricedCalls
  }
  budgets {
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
}
fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<CancelIntentMutation, CancelIntentMutationVariables>;
export const RetryIntentDocument = new TypedDocumentString(`
    mutation RetryIntent($id: ID!) {
  retryIntent(input: {id: $id}) {
    ...IntentDetail
  }
}
    fragment IntentDetail on Intent {
  ...IntentRow
  priority
  deadline
  runAt
  finishedAt
  parentId
  forkedFromId
  forkedFromStep
  idempotencyKey
  input
  output
  checkpoint
  progress
  error {
    message
    code
    retryable
    details
  }
  attempts {
    number
    agent
    startedAt
    endedAt
    outcome
    error {
      message
      code
    }
  }
  worker {
    id
    name
    host
    status
  }
  schedule {
    id
    name
  }
  usage {
    calls
    inputTokens
    outputTokens
    cachedTokens
    costUsd
    unpricedCalls
  }
  familyUsage: usage(includingChildren: true) {
    calls
    costUsd
    unpricedCalls
  }
  budgets {
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
}
fragment IntentRow on Intent {
  id
  type
  status
  waitingFor
  attempt
  maxAttempts
  labels
  createdAt
  updatedAt
  lease {
    agent
    expiresAt
  }
}`) as unknown as TypedDocumentString<RetryIntentMutation, RetryIntentMutationVariables>;
export const SubmitIntentDocument = new TypedDocumentString(`
    mutation SubmitIntent($input: SubmitIntentInput!) {
  submitIntent(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<SubmitIntentMutation, SubmitIntentMutationVariables>;
export const IntentTypesDocument = new TypedDocumentString(`
    query IntentTypes {
  intentTypes {
    type
    recent
    exampleInput
    paused
  }
}
    `) as unknown as TypedDocumentString<IntentTypesQuery, IntentTypesQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    namespace
    principal
    role
    authenticated
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const ScheduleListDocument = new TypedDocumentString(`
    query ScheduleList($first: Int) {
  schedules(first: $first) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...ScheduleRow
    }
  }
}
    fragment ScheduleRow on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
  }
  overlap
  catchUp
  jitterSeconds
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
}`) as unknown as TypedDocumentString<ScheduleListQuery, ScheduleListQueryVariables>;
export const CreateScheduleFormDocument = new TypedDocumentString(`
    mutation CreateScheduleForm($input: CreateScheduleInput!) {
  createSchedule(input: $input) {
    ...ScheduleRow
  }
}
    fragment ScheduleRow on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
  }
  overlap
  catchUp
  jitterSeconds
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
}`) as unknown as TypedDocumentString<CreateScheduleFormMutation, CreateScheduleFormMutationVariables>;
export const PauseScheduleRowDocument = new TypedDocumentString(`
    mutation PauseScheduleRow($id: ID!) {
  pauseSchedule(id: $id) {
    ...ScheduleRow
  }
}
    fragment ScheduleRow on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
  }
  overlap
  catchUp
  jitterSeconds
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
}`) as unknown as TypedDocumentString<PauseScheduleRowMutation, PauseScheduleRowMutationVariables>;
export const ResumeScheduleRowDocument = new TypedDocumentString(`
    mutation ResumeScheduleRow($id: ID!) {
  resumeSchedule(id: $id) {
    ...ScheduleRow
  }
}
    fragment ScheduleRow on Schedule {
  id
  name
  cron
  timezone
  intervalSeconds
  intent {
    type
    input
  }
  overlap
  catchUp
  jitterSeconds
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
}`) as unknown as TypedDocumentString<ResumeScheduleRowMutation, ResumeScheduleRowMutationVariables>;
export const DeleteScheduleRowDocument = new TypedDocumentString(`
    mutation DeleteScheduleRow($id: ID!) {
  deleteSchedule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteScheduleRowMutation, DeleteScheduleRowMutationVariables>;
export const TriggerScheduleRowDocument = new TypedDocumentString(`
    mutation TriggerScheduleRow($id: ID!) {
  triggerSchedule(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<TriggerScheduleRowMutation, TriggerScheduleRowMutationVariables>;
export const IntentStreamsDocument = new TypedDocumentString(`
    query IntentStreams($id: ID!) {
  intent(id: $id) {
    id
    status
    streams {
      name
      length
      closed
    }
  }
}
    `) as unknown as TypedDocumentString<IntentStreamsQuery, IntentStreamsQueryVariables>;
export const StreamPagesDocument = new TypedDocumentString(`
    subscription StreamPages($id: ID!, $stream: String!, $from: Int) {
  intentStream(id: $id, stream: $stream, from: $from) {
    from
    chunks
    next
    length
    closed
  }
}
    `) as unknown as TypedDocumentString<StreamPagesSubscription, StreamPagesSubscriptionVariables>;
export const UsageOverviewDocument = new TypedDocumentString(`
    query UsageOverview($filter: UsageFilter!) {
  byDay: usage(filter: $filter, groupBy: [DAY]) {
    ...UsageRow
  }
  byModel: usage(filter: $filter, groupBy: [MODEL]) {
    ...UsageRow
  }
  byType: usage(filter: $filter, groupBy: [TYPE]) {
    ...UsageRow
  }
}
    fragment UsageRow on UsageBucket {
  type
  model
  day
  calls
  inputTokens
  outputTokens
  costUsd
  unpricedCalls
}`) as unknown as TypedDocumentString<UsageOverviewQuery, UsageOverviewQueryVariables>;
export const UsageStepEventsDocument = new TypedDocumentString(`
    subscription UsageStepEvents($after: String) {
  intentEvents(after: $after, filter: {kinds: [STEP_COMPLETED, STEP_FAILED]}) {
    cursor
  }
}
    `) as unknown as TypedDocumentString<UsageStepEventsSubscription, UsageStepEventsSubscriptionVariables>;
export const WorkersListDocument = new TypedDocumentString(`
    query WorkersList($status: [WorkerStatus!], $first: Int) {
  workers(filter: {status: $status}, first: $first) {
    ...WorkerRow
  }
}
    fragment WorkerRow on Worker {
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
  startedAt
  lastSeenAt
  inFlightCount
  inFlight {
    id
    type
  }
}`) as unknown as TypedDocumentString<WorkersListQuery, WorkersListQueryVariables>;
export const WorkerLeaseEventsDocument = new TypedDocumentString(`
    subscription WorkerLeaseEvents($after: String) {
  intentEvents(
    after: $after
    filter: {kinds: [CLAIMED, COMPLETED, FAILED, RETRY_SCHEDULED, LEASE_EXPIRED, LEASE_RELEASED, WAITING, APPROVAL_REQUESTED, CANCELLED]}
  ) {
    cursor
    kind
    intentId
  }
}
    `) as unknown as TypedDocumentString<WorkerLeaseEventsSubscription, WorkerLeaseEventsSubscriptionVariables>;