/**
 * SQL for recovery and scheduling: the sweeper's due-work statements, per-type
 * policies and pauses, and bulk operator changes. `now` always comes in as a
 * parameter. Statements that change many intents write one event per intent in
 * the same statement (see withEvent).
 */
import type { Queryable } from '../db/types.ts';
import { type Status, TERMINAL, TRANSITIONS, afterFailure, isTerminal, step } from '../core/lifecycle.ts';
import type { RetryPolicyPatch } from '../core/retry-policy.ts';
import { type Change, toChange, withEvent } from './events.ts';
import { cancelPendingApprovals } from './approvals.ts';
import { type Escalate, escalateFailure } from './escalations.ts';
import { cancelLocked, lockIntent } from './family.ts';
import type { Intent } from '../core/model.ts';
import { json, toIntent } from './rows.ts';
import { ending } from './transition.ts';
import { SWEEPER_ACTOR } from '../core/sweep.ts';

const EXPIRED_LEASES = `
  select i.*, p.retry_policy as type_retry_policy
  from intents i left join intent_type_policies p on p.namespace = i.namespace and p.type = i.type
  where i.status = any($3::text[]) and i.lease_expires_at <= $1
  order by i.lease_expires_at limit $2
  for update of i skip locked`;

// One row of jsonb_to_recordset per expired intent, decided in JS: the u_ prefix keeps
// its columns apart from the intent's in `returning *`.
// The ids again as an array ($3) let the planner find the rows by primary key: it takes
// a jsonb_to_recordset for 100 rows, and joined those to a scan of the whole table.
const EXPIRE_LEASES = withEvent(`
  update intents i set ${ending('u.u_status', '$1')}, error = u.u_error, run_at = u.u_run_at,
    last_seq = last_seq + 1, updated_at = $1
  from jsonb_to_recordset($2::jsonb) as u(u_id uuid, u_status text, u_error jsonb, u_run_at timestamptz, u_data jsonb)
  where i.id = any($3::uuid[]) and i.id = u.u_id`, { data: 'u_data' });

/** When a lease-expired attempt runs again, given the intent and its type's retry settings. */
export type NextRunAt = (cur: Intent, typeRetry: RetryPolicyPatch | null) => Date;

/**
 * Ends RUNNING attempts whose lease (or attempt time) ran out like a retryable
 * failure: back to PENDING after the retry policy's backoff while attempts remain
 * (lifecycle afterFailure), else FAILED, or WAITING for a human when `escalate` says so.
 */
export async function expireLeases(tx: Queryable, now: Date, batch: number, nextRunAt: NextRunAt, escalate?: Escalate): Promise<Change[]> {
  const { kind } = step('expireLease', 'PENDING');
  if (kind !== step('expireLease', 'FAILED').kind) throw new Error('expireLease writes one kind for both targets here');
  const { rows } = await tx.query(EXPIRED_LEASES, [now, batch, TRANSITIONS.expireLease.from]);
  if (rows.length === 0) return [];
  const decided = [];
  const escalated: Change[] = [];
  for (const r of rows) {
    const cur = toIntent(r);
    const timedOut = r.attempt_expires_at != null && new Date(r.attempt_expires_at as string).getTime() <= now.getTime();
    const error = {
      message: timedOut ? 'the attempt ran longer than attemptTimeoutSeconds' : 'the lease expired without a heartbeat',
      code: timedOut ? 'ATTEMPT_TIMEOUT' : 'LEASE_EXPIRED',
      retryable: true,
      details: { agent: cur.leaseAgent },
    };
    const { to } = step('expireLease', afterFailure(cur.attempt, cur.maxAttempts, error.retryable));
    const again = !isTerminal(to);
    // an exhausted intent whose policy escalates waits for a human instead (its row is locked above)
    const req = !again && escalate ? await escalate(tx, cur, error) : null;
    if (req) {
      escalated.push(await escalateFailure(tx, cur, error, req, { agent: cur.leaseAgent, expired: kind }, SWEEPER_ACTOR, now));
      continue;
    }
    const runAt = again ? nextRunAt(cur, (r.type_retry_policy as RetryPolicyPatch | null) ?? null) : cur.runAt;
    const data = { attempt: cur.attempt, agent: cur.leaseAgent, error, ...(again ? { runAt } : {}) };
    decided.push({ u_id: cur.id, u_status: to, u_error: error, u_run_at: runAt, u_data: data });
  }
  if (decided.length === 0) return escalated;
  const updated = await tx.query(EXPIRE_LEASES, [now, JSON.stringify(decided), decided.map((d) => d.u_id), kind, SWEEPER_ACTOR]);
  return [...updated.rows.map(toChange), ...escalated];
}

// The error reads status and waiting_for as they were: SET expressions see the row before the update.
const EXPIRE_DEADLINES = withEvent(`
  update intents i set ${ending('$4', '$1')},
    error = jsonb_build_object('message', 'the deadline passed before the intent finished', 'code', 'DEADLINE_EXCEEDED',
      'retryable', false, 'details', jsonb_build_object('deadline', deadline, 'from', status, 'waitingFor', waiting_for)),
    last_seq = last_seq + 1, updated_at = $1
  where i.id in (
    select id from intents where status = any($3::text[]) and deadline <= $1
    order by deadline limit $2 for update skip locked)`,
  { data: `jsonb_build_object('attempt', attempt, 'error', error)` });

/**
 * Fails unfinished intents past their deadline, revoking a lease and ending a wait;
 * their pending approvals are cancelled in the same transaction. Waiting parents are
 * woken by the caller (wakeParentsOf) after the commit, parent first as always.
 */
export async function expireDeadlines(tx: Queryable, now: Date, batch: number): Promise<Change[]> {
  const failed = step('expireDeadline');
  const { rows } = await tx.query(EXPIRE_DEADLINES, [now, batch, TRANSITIONS.expireDeadline.from, failed.to, failed.kind, SWEEPER_ACTOR]);
  const changes = rows.map(toChange);
  await cancelPendingApprovals(tx, changes.map((c) => c.intent.id), now);
  return changes;
}


const DELETE_FINISHED = `
  delete from intents where id in (
    select id from intents where status = any($3::text[]) and finished_at < $1
    order by finished_at limit $2 for update skip locked)`;

/** Deletes finished intents (their events cascade, children keep living with parent_id null). Returns how many. */
export async function deleteFinished(q: Queryable, cutoff: Date, batch: number): Promise<number> {
  const r = await q.query(DELETE_FINISHED, [cutoff, batch, TERMINAL]);
  return r.rowCount;
}

export interface BulkFilter {
  statuses: Status[];
  types?: string[] | null;
  labels?: string[] | null;
  parentId?: string | null;
  errorCode?: string | null;
  /** One intent (retryIntent); absent for a bulk change. */
  id?: string | null;
}

const BULK_WHERE = `
  namespace = $1 and status = any($2::text[])
  and ($3::text[] is null or type = any($3::text[]))
  and ($4::text[] is null or labels @> $4::text[])
  and ($5::uuid is null or parent_id = $5::uuid)
  and ($6::text is null or error->>'code' = $6)
  and ($7::uuid is null or id = $7::uuid)`;

const bulkParams = (ns: string, f: BulkFilter) =>
  [ns, f.statuses, f.types ?? null, f.labels ?? null, f.parentId ?? null, f.errorCode ?? null, f.id ?? null];

// The retry action, for one intent (retryIntent, which holds its lock) or a batch by filter.
// Bulk changes lock in id order and wait for busy rows (no SKIP LOCKED): a row an agent
// holds for a moment must not be silently left out of the count. r_from is the status
// before the update, which the event data keeps.
const RETRY = withEvent(`
  update intents i set status = $10, run_at = $8, finished_at = null, resume_next = false, last_seq = last_seq + 1, updated_at = $8
  from (select id as r_id, status as r_from from intents where ${BULK_WHERE} order by id limit $9 for update) r
  where i.id = r.r_id`,
  { data: `jsonb_build_object('from', r_from, 'attempt', attempt) || coalesce($13::jsonb, '{}'::jsonb)` });

const BULK_IDS = `select id from intents where ${BULK_WHERE} order by id limit $8`;

/** Up to `batch` intents matching the filter back to PENDING, each with its RETRIED event; `data` adds to the event's. */
export async function retryWhere(
  q: Queryable, ns: string, f: BulkFilter, actor: string | null, now: Date, batch: number, data?: Record<string, unknown>,
): Promise<Change[]> {
  const retried = step('retry');
  const { rows } = await q.query(RETRY, [...bulkParams(ns, f), now, batch, retried.to, retried.kind, actor, json(data)]);
  return rows.map(toChange);
}

/** One batch of the `retry` action over a filter; call again until it returns fewer than `batch`. */
export async function redriveBatch(q: Queryable, ns: string, f: BulkFilter, actor: string | null, now: Date, batch: number): Promise<Change[]> {
  return retryWhere(q, ns, f, actor, now, batch, { bulk: true });
}

/**
 * One batch of the `cancel` action over a filter, in one transaction: each intent
 * is locked (after its parent) and cancelled exactly as cancelIntent does, so its
 * children, approvals and waiting parent follow. An intent that stopped matching
 * since the batch was picked (e.g. cancelled with its parent) is left out of the count.
 */
export async function cancelBatch(
  tx: Queryable, ns: string, f: BulkFilter, reason: string | null, actor: string | null, now: Date, batch: number,
): Promise<{ changes: Change[]; more: boolean }> {
  const { rows } = await tx.query<{ id: string }>(BULK_IDS, [...bulkParams(ns, f), batch]);
  const changes: Change[] = [];
  for (const { id } of rows) {
    const cur = await lockIntent(tx, ns, id, null, null, now);
    if (!f.statuses.includes(cur.status) || (f.errorCode != null && cur.error?.code !== f.errorCode)) continue;
    changes.push(await cancelLocked(tx, ns, cur, { reason, bulk: true }, actor, now));
  }
  return { changes, more: rows.length === batch };
}

export interface TypePolicy {
  namespace: string;
  type: string;
  maxAttempts: number | null;
  retry: RetryPolicyPatch | null;
  updatedAt: Date;
}

const toPolicy = (r: Record<string, unknown>): TypePolicy => ({
  namespace: r.namespace as string,
  type: r.type as string,
  maxAttempts: (r.max_attempts as number | null) ?? null,
  retry: (r.retry_policy as RetryPolicyPatch | null) ?? null,
  updatedAt: r.updated_at instanceof Date ? r.updated_at : new Date(r.updated_at as string),
});

export async function getTypePolicy(q: Queryable, ns: string, type: string): Promise<TypePolicy | null> {
  const { rows } = await q.query(`select * from intent_type_policies where namespace = $1 and type = $2`, [ns, type]);
  return rows[0] ? toPolicy(rows[0]) : null;
}

const SET_POLICY = `
  insert into intent_type_policies (namespace, type, max_attempts, retry_policy, updated_at)
  values ($1, $2, $3, $4::jsonb, $5)
  on conflict (namespace, type) do update set max_attempts = $3, retry_policy = $4::jsonb, updated_at = $5
  returning *`;

/** Replaces the type's defaults; both null removes them. */
export async function setTypePolicy(
  q: Queryable, ns: string, type: string, maxAttempts: number | null, retry: RetryPolicyPatch | null, now: Date,
): Promise<TypePolicy | null> {
  if (maxAttempts === null && retry === null) {
    await q.query(`delete from intent_type_policies where namespace = $1 and type = $2`, [ns, type]);
    return null;
  }
  const { rows } = await q.query(SET_POLICY, [ns, type, maxAttempts, json(retry), now]);
  return toPolicy(rows[0]!);
}

export interface TypePause {
  type: string;
  reason: string | null;
  pausedBy: string | null;
  pausedAt: Date;
}

const toPause = (r: Record<string, unknown>): TypePause => ({
  type: r.type as string,
  reason: (r.reason as string | null) ?? null,
  pausedBy: (r.paused_by as string | null) ?? null,
  pausedAt: r.paused_at instanceof Date ? r.paused_at : new Date(r.paused_at as string),
});

const PAUSE = `
  with ins as (
    insert into intent_type_pauses (namespace, type, reason, paused_by, paused_at) values ($1, $2, $3, $4, $5)
    on conflict (namespace, type) do nothing returning *
  )
  select * from ins union all select * from intent_type_pauses where namespace = $1 and type = $2 and not exists (select 1 from ins)`;

/** Pauses claiming of a type; pausing a paused type keeps the first pause. */
export async function pauseType(q: Queryable, ns: string, type: string, reason: string | null, actor: string | null, now: Date): Promise<TypePause> {
  const { rows } = await q.query(PAUSE, [ns, type, reason, actor, now]);
  return toPause(rows[0]!);
}

/** Returns whether the type was paused. */
export async function resumeType(q: Queryable, ns: string, type: string): Promise<boolean> {
  const r = await q.query(`delete from intent_type_pauses where namespace = $1 and type = $2 returning type`, [ns, type]);
  return r.rows.length > 0;
}

export async function pausedTypes(q: Queryable, ns: string): Promise<TypePause[]> {
  const { rows } = await q.query(`select * from intent_type_pauses where namespace = $1 order by type`, [ns]);
  return rows.map(toPause);
}
