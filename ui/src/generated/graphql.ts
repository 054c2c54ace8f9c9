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

export type ForkIntentInput = {
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

/** Why a WAITING intent waits. */
export type WaitingFor =
  | 'APPROVAL'
  | 'CHILDREN'
  | 'SIGNAL'
  | 'TIME';

export type ApprovalCardFragment = { id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, intent: { id: string, type: string, status: IntentStatus, lease: { agent: string | null } | null } | null };

export type ApprovalInboxQueryVariables = Exact<{
  status?: Array<ApprovalStatus> | ApprovalStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ApprovalInboxQuery = { approvals: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, intent: { id: string, type: string, status: IntentStatus, lease: { agent: string | null } | null } | null }> } };

export type ResolveApprovalMutationVariables = Exact<{
  input: ResolveApprovalInput;
}>;


export type ResolveApprovalMutation = { resolveApproval: { id: string, intentId: string, title: string, description: string | null, type: string, status: ApprovalStatus, options: Array<string>, outcome: string | null, comment: string | null, data: unknown, formSchema: unknown, requireComment: boolean, requestedBy: string | null, resolvedBy: string | null, resolvedAt: string | null, createdAt: string, expiresAt: string | null, assignees: Array<string>, escalatedFromId: string | null, intent: { id: string, type: string, status: IntentStatus, lease: { agent: string | null } | null } | null } };

export type ApprovalEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ApprovalEventsSubscription = { intentEvents: { cursor: string, kind: IntentEventKind, intentId: string } };

export type ChildNodeFragment = { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, createdAt: string };

export type IntentDetailFragment = { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, lease: { agent: string | null, expiresAt: string } | null };

export type IntentChildrenQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentChildrenQuery = { intent: { id: string, children: { totalCount: number, nodes: Array<{ id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, createdAt: string, children: { totalCount: number } }> } } | null };

export type IntentPageQueryVariables = Exact<{
  id: string | number;
}>;


export type IntentPageQuery = { intent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, lease: { agent: string | null, expiresAt: string } | null } | null };

export type IntentEventsPageQueryVariables = Exact<{
  id: string | number;
  after?: number | null | undefined;
}>;


export type IntentEventsPageQuery = { intentEvents: Array<{ id: string, seq: number, cursor: string, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string }> };

export type TimelineEventFragment = { id: string, seq: number, cursor: string, kind: IntentEventKind, status: IntentStatus, waitingFor: WaitingFor | null, actor: string | null, data: unknown, at: string };

export type IntentChangedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type IntentChangedSubscription = { intentChanged: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, lease: { agent: string | null, expiresAt: string } | null } };

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

export type StatusCountsQueryVariables = Exact<{
  type?: Array<string> | string | null | undefined;
  label?: Array<string> | string | null | undefined;
}>;


export type StatusCountsQuery = { PENDING: { totalCount: number }, RUNNING: { totalCount: number }, WAITING: { totalCount: number }, COMPLETED: { totalCount: number }, FAILED: { totalCount: number }, CANCELLED: { totalCount: number } };

export type LiveIntentEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
  filter?: IntentEventFilter | null | undefined;
}>;


export type LiveIntentEventsSubscription = { intentEvents: { cursor: string, kind: IntentEventKind, intentId: string, intent: { id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, lease: { agent: string | null, expiresAt: string } | null } } };

export type CancelIntentMutationVariables = Exact<{
  id: string | number;
  reason?: string | null | undefined;
}>;


export type CancelIntentMutation = { cancelIntent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, lease: { agent: string | null, expiresAt: string } | null } };

export type RetryIntentMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryIntentMutation = { retryIntent: { priority: number, deadline: string | null, runAt: string, finishedAt: string | null, parentId: string | null, forkedFromId: string | null, forkedFromStep: string | null, idempotencyKey: string | null, input: unknown, output: unknown, checkpoint: unknown, progress: unknown, id: string, type: string, status: IntentStatus, waitingFor: WaitingFor | null, attempt: number, maxAttempts: number, labels: Array<string>, createdAt: string, updatedAt: string, error: { message: string, code: string | null, retryable: boolean, details: unknown } | null, attempts: Array<{ number: number, agent: string | null, startedAt: string, endedAt: string | null, outcome: IntentEventKind | null, error: { message: string, code: string | null } | null }>, lease: { agent: string | null, expiresAt: string } | null } };

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
  intent {
    id
    type
    status
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
  intent {
    id
    type
    status
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
  intent {
    id
    type
    status
    lease {
      agent
    }
  }
}`) as unknown as TypedDocumentString<ResolveApprovalMutation, ResolveApprovalMutationVariables>;
export const ApprovalEventsDocument = new TypedDocumentString(`
    subscription ApprovalEvents($after: String) {
  intentEvents(
    after: $after
    filter: {kinds: [APPROVAL_REQUESTED, APPROVAL_RESOLVED, APPROVAL_TIMED_OUT, APPROVAL_ESCALATED, CANCELLED]}
  ) {
    cursor
    kind
    intentId
  }
}
    `) as unknown as TypedDocumentString<ApprovalEventsSubscription, ApprovalEventsSubscriptionVariables>;
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
export const StatusCountsDocument = new TypedDocumentString(`
    query StatusCounts($type: [String!], $label: [String!]) {
  PENDING: intents(
    first: 0
    filter: {status: [PENDING], type: $type, label: $label}
  ) {
    totalCount
  }
  RUNNING: intents(
    first: 0
    filter: {status: [RUNNING], type: $type, label: $label}
  ) {
    totalCount
  }
  WAITING: intents(
    first: 0
    filter: {status: [WAITING], type: $type, label: $label}
  ) {
    totalCount
  }
  COMPLETED: intents(
    first: 0
    filter: {status: [COMPLETED], type: $type, label: $label}
  ) {
    totalCount
  }
  FAILED: intents(
    first: 0
    filter: {status: [FAILED], type: $type, label: $label}
  ) {
    totalCount
  }
  CANCELLED: intents(
    first: 0
    filter: {status: [CANCELLED], type: $type, label: $label}
  ) {
    totalCount
  }
}
    `) as unknown as TypedDocumentString<StatusCountsQuery, StatusCountsQueryVariables>;
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