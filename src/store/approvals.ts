/** SQL for approvals. Every status change is guarded on status = 'PENDING', so exactly one of racing resolves/timeouts wins. */
import type { Queryable } from '../db/types.ts';
import { json, maybeDate } from './rows.ts';

export const APPROVAL_STATUSES = ['PENDING', 'RESOLVED', 'TIMED_OUT', 'ESCALATED', 'CANCELLED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const TIMEOUT_ACTIONS = ['REJECT', 'FAIL', 'ESCALATE'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];

export interface ApprovalRequest {
  type: string;
  title: string;
  description: string | null;
  options: string[];
  assignees: string[];
  formSchema: unknown;
  requireComment: boolean;
  timeoutSeconds: number | null;
  onTimeout: TimeoutAction;
  escalateTo: string[];
}

export interface Approval extends ApprovalRequest {
  id: string;
  namespace: string;
  intentId: string;
  escalatedFrom: string | null;
  status: ApprovalStatus;
  outcome: string | null;
  comment: string | null;
  data: unknown;
  /** What the engine did with the decision (engine approvals, migration 018). */
  result: unknown;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  requestedBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

type Row = Record<string, unknown>;

export function toApproval(r: Row): Approval {
  return {
    id: r.id as string,
    namespace: r.namespace as string,
    intentId: r.intent_id as string,
    type: r.type as string,
    title: r.title as string,
    description: (r.description as string | null) ?? null,
    options: r.options as string[],
    assignees: (r.assignees as string[]) ?? [],
    formSchema: r.form_schema ?? null,
    requireComment: r.require_comment as boolean,
    timeoutSeconds: (r.timeout_seconds as number | null) ?? null,
    onTimeout: r.on_timeout as TimeoutAction,
    escalateTo: (r.escalate_to as string[]) ?? [],
    escalatedFrom: (r.escalated_from as string | null) ?? null,
    status: r.status as ApprovalStatus,
    outcome: (r.outcome as string | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    data: r.data ?? null,
    result: r.result ?? null,
    resolvedBy: (r.resolved_by as string | null) ?? null,
    resolvedAt: maybeDate(r.resolved_at),
    requestedBy: (r.requested_by as string | null) ?? null,
    createdAt: maybeDate(r.created_at)!,
    expiresAt: maybeDate(r.expires_at),
  };
}

const INSERT = `
  insert into approvals (id, namespace, intent_id, type, title, description, options, assignees, form_schema,
    require_comment, timeout_seconds, on_timeout, escalate_to, escalated_from, status, requested_by, created_at, expires_at)
  values ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9::jsonb, $10, $11, $12, $13::text[], $14, 'PENDING', $15, $16, $17)
  returning *`;

export async function insertApproval(
  q: Queryable, ns: string, id: string, intentId: string, a: ApprovalRequest, escalatedFrom: string | null, requestedBy: string | null, now: Date,
): Promise<Approval> {
  const { rows } = await q.query(INSERT, [
    id, ns, intentId, a.type, a.title, a.description, a.options, a.assignees, json(a.formSchema),
    a.requireComment, a.timeoutSeconds, a.onTimeout, a.escalateTo, escalatedFrom, requestedBy, now,
    a.timeoutSeconds == null ? null : new Date(now.getTime() + a.timeoutSeconds * 1000),
  ]);
  return toApproval(rows[0]!);
}

export async function getApproval(q: Queryable, ns: string, id: string): Promise<Approval | null> {
  const { rows } = await q.query(`select * from approvals where namespace = $1 and id = $2`, [ns, id]);
  return rows[0] ? toApproval(rows[0]) : null;
}

const RESOLVE = `
  update approvals set status = 'RESOLVED', outcome = $3, comment = $4, data = $5::jsonb, resolved_by = $6, resolved_at = $7
  where namespace = $1 and id = $2 and status = 'PENDING'
  returning *`;

export async function resolveApprovalRow(
  q: Queryable, ns: string, id: string, outcome: string, comment: string | null, data: unknown, by: string, now: Date,
): Promise<Approval | null> {
  const { rows } = await q.query(RESOLVE, [ns, id, outcome, comment, json(data), by, now]);
  return rows[0] ? toApproval(rows[0]) : null;
}

const TIME_OUT = `
  update approvals set status = $3, outcome = $4, resolved_by = $5, resolved_at = $6
  where namespace = $1 and id = $2 and status = 'PENDING' and expires_at <= $6
  returning *`;

/** Ends a due approval (TIMED_OUT or ESCALATED); null when it was resolved first or is not due. */
export async function timeOutApprovalRow(
  q: Queryable, ns: string, id: string, status: ApprovalStatus, outcome: string | null, by: string | null, now: Date,
): Promise<Approval | null> {
  const { rows } = await q.query(TIME_OUT, [ns, id, status, outcome, by, now]);
  return rows[0] ? toApproval(rows[0]) : null;
}

/** Records what the engine did with a resolved engine approval's decision. */
export async function setApprovalResult(q: Queryable, ns: string, id: string, result: unknown): Promise<void> {
  await q.query(`update approvals set result = $3::jsonb where namespace = $1 and id = $2`, [ns, id, json(result)]);
}

export async function cancelApprovalRow(q: Queryable, ns: string, id: string, now: Date): Promise<void> {
  await q.query(`update approvals set status = 'CANCELLED', resolved_at = $3 where namespace = $1 and id = $2 and status = 'PENDING'`, [ns, id, now]);
}

const CANCEL_PENDING_OF = `
  update approvals set status = 'CANCELLED', resolved_at = $2 where intent_id = any($1::uuid[]) and status = 'PENDING'`;

/** Cancels what the intents' approvers were asked: once an intent is finished the question is moot. */
export async function cancelPendingApprovals(q: Queryable, intentIds: readonly string[], now: Date): Promise<void> {
  if (intentIds.length) await q.query(CANCEL_PENDING_OF, [intentIds, now]);
}

const DUE = `
  select namespace, id, intent_id from approvals
  where status = 'PENDING' and expires_at <= $1
  order by expires_at limit $2`;

export async function dueApprovals(q: Queryable, now: Date, limit: number): Promise<{ namespace: string; id: string; intent_id: string }[]> {
  return (await q.query<{ namespace: string; id: string; intent_id: string }>(DUE, [now, limit])).rows;
}

export interface ApprovalFilter {
  statuses: ApprovalStatus[] | null;
  assignee: string | null;
  types: string[] | null;
  intentId: string | null;
}

const LIST = `
  select * from approvals
  where namespace = $1
    and ($2::text[] is null or status = any($2::text[]))
    and ($3::text is null or $3::text = any(assignees))
    and ($4::text[] is null or type = any($4::text[]))
    and ($5::uuid is null or intent_id = $5::uuid)
    and ($6::timestamptz is null or (created_at, id) < ($6::timestamptz, $7::uuid))
  order by created_at desc, id desc
  limit $8`;

/** Newest first; one extra row tells whether more follow. */
export async function listApprovals(
  q: Queryable, ns: string, f: ApprovalFilter, first: number, after: { createdAt: Date; id: string } | null,
): Promise<{ approvals: Approval[]; hasNextPage: boolean }> {
  const { rows } = await q.query(LIST, [ns, f.statuses, f.assignee, f.types, f.intentId, after?.createdAt ?? null, after?.id ?? null, first + 1]);
  return { approvals: rows.slice(0, first).map(toApproval), hasNextPage: rows.length > first };
}
