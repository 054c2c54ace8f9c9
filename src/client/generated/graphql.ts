/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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
};

export type CompleteIntentInput = {
  id: string | number;
  leaseToken: string | number;
  output?: unknown;
};

export type FailIntentInput = {
  error: IntentErrorInput;
  id: string | number;
  leaseToken: string | number;
  /** Run the next attempt no sooner than this, e.g. a provider’s Retry-After (0–604800); overrides the retry backoff. */
  retryAfterSeconds?: number | null | undefined;
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

/** What a transition was; every transition writes exactly one event. */
export type IntentEventKind =
  | 'APPROVAL_ESCALATED'
  | 'APPROVAL_REQUESTED'
  | 'APPROVAL_RESOLVED'
  | 'APPROVAL_TIMED_OUT'
  | 'CANCELLED'
  | 'CHECKPOINTED'
  | 'CLAIMED'
  | 'COMPLETED'
  | 'FAILED'
  | 'LEASE_EXPIRED'
  | 'RESUMED'
  | 'RETRIED'
  | 'RETRY_SCHEDULED'
  | 'SIGNAL_RECEIVED'
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

export type RetryIntentInput = {
  id: string | number;
};

/** Delays between attempts; fields left out come from the type’s policy (setIntentTypePolicy), then the server’s AXME_RETRY_* settings. */
export type RetryPolicyInput = {
  /** Each further failure multiplies the delay by this, 1–100. Server default 2. */
  backoffCoefficient?: number | null | undefined;
  /** Delay after the first failed attempt, 0–604800. Server default 1. */
  initialIntervalSeconds?: number | null | undefined;
  /** 0–1: each delay is shortened by up to this fraction at random. Server default 0.2. */
  jitter?: number | null | undefined;
  /** The delay never exceeds this, 0–604800. Server default 300. */
  maxIntervalSeconds?: number | null | undefined;
};

export type SubmitIntentInput = {
  /** Longest one attempt may run, heartbeats or not (1–604800); then it is treated as an expired lease. */
  attemptTimeoutSeconds?: number | null | undefined;
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

/** Why a WAITING intent waits. */
export type WaitingFor =
  | 'APPROVAL'
  | 'CHILDREN'
  | 'SIGNAL'
  | 'TIME';

export type IntentFieldsFragment = { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null };

export type GetIntentQueryVariables = Exact<{
  id: string | number;
}>;


export type GetIntentQuery = { intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } | null };

export type ListIntentsQueryVariables = Exact<{
  filter?: IntentFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListIntentsQuery = { intents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null }> } };

export type IntentEventsQueryVariables = Exact<{
  intentId: string | number;
  after?: number | null | undefined;
  first?: number | null | undefined;
}>;


export type IntentEventsQuery = { intentEvents: Array<{ id: string, intentId: string, seq: number, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string }> };

export type SubmitIntentMutationVariables = Exact<{
  input: SubmitIntentInput;
}>;


export type SubmitIntentMutation = { submitIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type CancelIntentMutationVariables = Exact<{
  input: CancelIntentInput;
}>;


export type CancelIntentMutation = { cancelIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type RetryIntentMutationVariables = Exact<{
  input: RetryIntentInput;
}>;


export type RetryIntentMutation = { retryIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type ClaimIntentMutationVariables = Exact<{
  input: ClaimIntentInput;
}>;


export type ClaimIntentMutation = { claimIntent: { token: string, expiresAt: string, intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } } | null };

export type HeartbeatIntentMutationVariables = Exact<{
  input: HeartbeatIntentInput;
}>;


export type HeartbeatIntentMutation = { heartbeatIntent: { token: string, expiresAt: string } };

export type CheckpointIntentMutationVariables = Exact<{
  input: CheckpointIntentInput;
}>;


export type CheckpointIntentMutation = { checkpointIntent: { id: string, lastSeq: number, checkpoint: unknown } };

export type CompleteIntentMutationVariables = Exact<{
  input: CompleteIntentInput;
}>;


export type CompleteIntentMutation = { completeIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

export type FailIntentMutationVariables = Exact<{
  input: FailIntentInput;
}>;


export type FailIntentMutation = { failIntent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, input: unknown, output: unknown, checkpoint: unknown, attempt: number, maxAttempts: number, priority: number, idempotencyKey: string | null, parentId: string | null, labels: Array<string>, runAt: string, createdAt: string, updatedAt: string, finishedAt: string | null, lastSeq: number, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, lease: { agent: string | null, expiresAt: string } | null } };

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
}
    `, {"fragmentName":"IntentFields"}) as unknown as TypedDocumentString<IntentFieldsFragment, unknown>;
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
}`) as unknown as TypedDocumentString<ListIntentsQuery, ListIntentsQueryVariables>;
export const IntentEventsDocument = new TypedDocumentString(`
    query IntentEvents($intentId: ID!, $after: Int, $first: Int) {
  intentEvents(intentId: $intentId, after: $after, first: $first) {
    id
    intentId
    seq
    kind
    status
    waitingFor
    actor
    data
    at
  }
}
    `) as unknown as TypedDocumentString<IntentEventsQuery, IntentEventsQueryVariables>;
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
}`) as unknown as TypedDocumentString<SubmitIntentMutation, SubmitIntentMutationVariables>;
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
}`) as unknown as TypedDocumentString<RetryIntentMutation, RetryIntentMutationVariables>;
export const ClaimIntentDocument = new TypedDocumentString(`
    mutation ClaimIntent($input: ClaimIntentInput!) {
  claimIntent(input: $input) {
    token
    expiresAt
    intent {
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
}`) as unknown as TypedDocumentString<ClaimIntentMutation, ClaimIntentMutationVariables>;
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
}`) as unknown as TypedDocumentString<CompleteIntentMutation, CompleteIntentMutationVariables>;
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
}`) as unknown as TypedDocumentString<FailIntentMutation, FailIntentMutationVariables>;