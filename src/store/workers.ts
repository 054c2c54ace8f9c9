/**
 * SQL for worker sessions (migration 011) and the leases they hold. A session is
 * CONNECTED while heartbeats arrive; it ends STOPPED (the worker said so) or LOST
 * (heartbeats missed, or a restart announced the same identity). The RUNNING
 * intents whose lease names an ended session are released by releaseEndedLeases,
 * which every ending calls in its own transaction and the sweep calls as a
 * safety net, so a lease is never left behind by a race with a claim.
 */
import type { Queryable } from '../db/types.ts';
import { TRANSITIONS, afterFailure, isTerminal, step } from '../core/lifecycle.ts';
import { AxmeError } from '../core/errors.ts';
import { type Change, toChange, withEvent } from './events.ts';
import { type Escalate, escalateFailure } from './escalations.ts';
import { ending } from './transition.ts';
import { LEASE_HELD } from './intents.ts';
import { date, maybeDate, toIntent } from './rows.ts';
import { SWEEPER_ACTOR } from '../core/sweep.ts';

export const WORKER_STATUSES = ['CONNECTED', 'STOPPED', 'LOST'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** Why a session ended: the worker stopped, a new session took its identity, or its heartbeats stopped. */
export type EndReason = 'STOPPED' | 'REPLACED' | 'MISSED_HEARTBEATS';

export interface WorkerSession {
  id: string;
  namespace: string;
  identity: string;
  name: string;
  host: string | null;
  sdk: string | null;
  sdkVersion: string | null;
  types: string[];
  concurrency: number;
  sessionSeconds: number;
  status: WorkerStatus;
  principal: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
}

const toSession = (r: Record<string, unknown>): WorkerSession => ({
  id: r.id as string,
  namespace: r.namespace as string,
  identity: r.identity as string,
  name: r.name as string,
  host: (r.host as string | null) ?? null,
  sdk: (r.sdk as string | null) ?? null,
  sdkVersion: (r.sdk_version as string | null) ?? null,
  types: (r.types as string[]) ?? [],
  concurrency: r.concurrency as number,
  sessionSeconds: r.session_seconds as number,
  status: r.status as WorkerStatus,
  principal: (r.principal as string | null) ?? null,
  startedAt: date(r.started_at),
  lastSeenAt: date(r.last_seen_at),
  expiresAt: date(r.expires_at),
  endedAt: maybeDate(r.ended_at),
  endReason: (r.end_reason as EndReason | null) ?? null,
});

export type NewSession = Omit<WorkerSession, 'status' | 'lastSeenAt' | 'expiresAt' | 'endedAt' | 'endReason'>;

const LIVE_OF_IDENTITY = `select * from worker_sessions where namespace = $1 and identity = $2 and status = 'CONNECTED' for update`;

const INSERT = `
  insert into worker_sessions (id, namespace, identity, name, host, sdk, sdk_version, types, concurrency, session_seconds,
    status, principal, started_at, last_seen_at, expires_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::int, 'CONNECTED', $11, $12, $12, $12::timestamptz + make_interval(secs => $10::int))
  returning *`;

const END = `
  update worker_sessions set status = $3, ended_at = $4, end_reason = $5
  where namespace = $1 and id = any($2::uuid[]) and status = 'CONNECTED'
  returning *`;

/**
 * Starts a session. A live session with the same identity is the same worker
 * restarted (or a duplicate that must not run twice): it ends LOST/REPLACED here and
 * its leases go back in the same transaction, so the new session can claim them at
 * once. An advisory lock on the identity serializes two registrations of it.
 */
export async function registerSession(
  tx: Queryable, s: NewSession, now: Date, escalate?: Escalate,
): Promise<{ session: WorkerSession; replaced: WorkerSession | null; released: Change[] }> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('axme_worker'), hashtext($1 || '/' || $2))`, [s.namespace, s.identity]);
  const old = (await tx.query(LIVE_OF_IDENTITY, [s.namespace, s.identity])).rows[0];
  let replaced: WorkerSession | null = null;
  let released: Change[] = [];
  if (old) {
    replaced = (await endSessions(tx, s.namespace, [old.id as string], 'LOST', 'REPLACED', now))[0] ?? null;
    released = await releaseEndedLeases(tx, now, 1000, [old.id as string], escalate);
  }
  const { rows } = await tx.query(INSERT, [
    s.id, s.namespace, s.identity, s.name, s.host, s.sdk, s.sdkVersion, s.types, s.concurrency, s.sessionSeconds, s.principal, now,
  ]);
  return { session: toSession(rows[0]!), replaced: replaced ?? null, released };
}

async function endSessions(tx: Queryable, ns: string, ids: string[], status: WorkerStatus, reason: EndReason, now: Date): Promise<WorkerSession[]> {
  const { rows } = await tx.query(END, [ns, ids, status, now, reason]);
  return rows.map(toSession);
}

const HEARTBEAT = `
  update worker_sessions set last_seen_at = $3, expires_at = $3::timestamptz + make_interval(secs => session_seconds)
  where namespace = $1 and id = $2 and status = 'CONNECTED'
  returning *`;

/** Keeps a CONNECTED session alive; an ended one is returned as it is (the caller tells the worker), a missing one is null. */
export async function heartbeatSession(q: Queryable, ns: string, id: string, now: Date): Promise<WorkerSession | null> {
  const { rows } = await q.query(HEARTBEAT, [ns, id, now]);
  if (rows[0]) return toSession(rows[0]);
  return getSession(q, ns, id);
}

export async function getSession(q: Queryable, ns: string, id: string): Promise<WorkerSession | null> {
  const { rows } = await q.query(`select * from worker_sessions where namespace = $1 and id = $2`, [ns, id]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function getSessions(q: Queryable, ns: string, ids: readonly string[]): Promise<WorkerSession[]> {
  const { rows } = await q.query(`select * from worker_sessions where namespace = $1 and id = any($2::uuid[])`, [ns, ids]);
  return rows.map(toSession);
}

/** Ends the session STOPPED and releases what it still holds; the ended session, or null when it was not live. */
export async function stopSession(tx: Queryable, ns: string, id: string, now: Date, escalate?: Escalate): Promise<{ session: WorkerSession | null; released: Change[] }> {
  const [session] = await endSessions(tx, ns, [id], 'STOPPED', 'STOPPED', now);
  if (!session) return { session: null, released: [] };
  return { session, released: await releaseEndedLeases(tx, now, 1000, [id], escalate) };
}

const DUE = `
  update worker_sessions set status = 'LOST', ended_at = $1, end_reason = 'MISSED_HEARTBEATS'
  where id in (
    select id from worker_sessions where status = 'CONNECTED' and expires_at <= $1
    order by expires_at limit $2 for update skip locked)
  returning *`;

/** Marks up to `batch` sessions whose heartbeats stopped LOST (SKIP LOCKED: instances sweep side by side). */
export async function loseDueSessions(tx: Queryable, now: Date, batch: number): Promise<WorkerSession[]> {
  const { rows } = await tx.query(DUE, [now, batch]);
  return rows.map(toSession);
}

// RUNNING intents leased to a session that is no longer CONNECTED. SKIP LOCKED: a row its
// holder is writing right now (a complete, a heartbeat) is left to the next sweep, which
// finds it again if it is still RUNNING.
const HELD_BY_ENDED = `
  select i.* from intents i join worker_sessions w on w.id = i.lease_worker
  where i.status = any($1::text[]) and i.lease_worker is not null and w.status <> 'CONNECTED'
    and ($3::uuid[] is null or i.lease_worker = any($3::uuid[]))
  order by i.id limit $2
  for update of i skip locked`;

// The ids again as an array ($3), as recovery.ts EXPIRE_LEASES: found by primary key.
const RELEASE = withEvent(`
  update intents i set ${ending('u.u_status', '$1')}, error = u.u_error, run_at = $1,
    last_seq = last_seq + 1, updated_at = $1
  from jsonb_to_recordset($2::jsonb) as u(u_id uuid, u_status text, u_error jsonb, u_data jsonb)
  where i.id = any($3::uuid[]) and i.id = u.u_id`, { data: 'u_data' });

/**
 * Releases the leases of ended sessions (of `sessions` only, when given) as the
 * `releaseLease` transition: the attempt is spent, as for an expired lease, so an
 * intent that kills every worker it reaches still ends FAILED after maxAttempts; but
 * it may run again at once (no backoff): the worker died, the work did not fail.
 */
export async function releaseEndedLeases(
  tx: Queryable, now: Date, batch: number, sessions: string[] | null = null, escalate?: Escalate,
): Promise<Change[]> {
  const { kind } = step('releaseLease', 'PENDING');
  const { rows } = await tx.query(HELD_BY_ENDED, [TRANSITIONS.releaseLease.from, batch, sessions]);
  if (rows.length === 0) return [];
  const decided = [];
  const escalated: Change[] = [];
  for (const r of rows) {
    const cur = toIntent(r);
    const error = {
      message: 'the worker session holding the lease ended (stopped, restarted or stopped sending heartbeats)',
      code: 'WORKER_SESSION_ENDED',
      retryable: true,
      details: { agent: cur.leaseAgent, worker: r.lease_worker },
    };
    const { to } = step('releaseLease', afterFailure(cur.attempt, cur.maxAttempts, true));
    const req = isTerminal(to) && escalate ? await escalate(tx, cur, error) : null;
    if (req) {
      escalated.push(await escalateFailure(tx, cur, error, req, { agent: cur.leaseAgent, worker: r.lease_worker, released: kind }, SWEEPER_ACTOR, now));
      continue;
    }
    const data = { attempt: cur.attempt, agent: cur.leaseAgent, worker: r.lease_worker, spent: true, error, ...(isTerminal(to) ? {} : { runAt: now }) };
    decided.push({ u_id: cur.id, u_status: to, u_error: error, u_data: data });
  }
  if (decided.length === 0) return escalated;
  const updated = await tx.query(RELEASE, [now, JSON.stringify(decided), decided.map((d) => d.u_id), kind, SWEEPER_ACTOR]);
  return [...updated.rows.map(toChange), ...escalated];
}

const RELEASE_HELD = withEvent(`
  update intents set ${ending('$6', '$5')}, run_at = $5,
    attempt = attempt - case when claim_resumed then 0 else 1 end, resume_next = claim_resumed,
    last_seq = last_seq + 1, updated_at = $5
  where ${LEASE_HELD}`,
  { actorIsLeaseHolder: true, data: `jsonb_build_object('attempt', attempt, 'agent', lease_agent, 'spent', false)` });

/**
 * The holder gives back a lease it never started work on (a worker stopping with
 * claimed work, a claim answered after its caller gave up): PENDING at once and the
 * attempt not spent; a resumed attempt (after a wait) stays resumable. Null when the
 * lease is not the caller's any more (whyNot explains).
 */
export async function releaseHeldLease(q: Queryable, ns: string, id: string, token: string, actor: string | null, now: Date): Promise<Change | null> {
  const released = step('releaseIntent');
  const { rows } = await q.query(RELEASE_HELD, [ns, id, TRANSITIONS.releaseIntent.from, token, now, released.to, released.kind, actor]);
  return rows[0] ? toChange(rows[0]) : null;
}

export interface SessionFilter {
  statuses: WorkerStatus[] | null;
  types: string[] | null;
}

const LIST = `
  select * from worker_sessions
  where namespace = $1 and ($2::text[] is null or status = any($2::text[])) and ($3::text[] is null or types && $3::text[])
  order by (status = 'CONNECTED') desc, last_seen_at desc, id
  limit $4`;

/** Sessions of the namespace: the live ones first, then the most recently seen. */
export async function listSessions(q: Queryable, ns: string, f: SessionFilter, limit: number): Promise<WorkerSession[]> {
  const { rows } = await q.query(LIST, [ns, f.statuses, f.types, limit]);
  return rows.map(toSession);
}

const IN_FLIGHT = `
  select lease_worker, array_agg(id order by id) as ids from intents
  where namespace = $1 and status = 'RUNNING' and lease_worker = any($2::uuid[])
  group by lease_worker`;

/** The RUNNING intents each session leases, by session id (the intents' ids). */
export async function inFlightOf(q: Queryable, ns: string, sessions: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await q.query(IN_FLIGHT, [ns, sessions]);
  return new Map(rows.map((r) => [r.lease_worker as string, (r.ids as string[]) ?? []]));
}

/** Whether a claim may name this session: it must exist in the namespace and be CONNECTED. */
export async function liveSessionOrThrow(q: Queryable, ns: string, id: string): Promise<WorkerSession> {
  const s = await getSession(q, ns, id);
  if (!s) throw new AxmeError('NOT_FOUND', `worker session ${id} not found`, { workerId: id });
  if (s.status !== 'CONNECTED') {
    throw new AxmeError('CONFLICT', `worker session ${id} is ${s.status}; register the worker again`, { workerId: id, status: s.status, endReason: s.endReason });
  }
  return s;
}

/** Deletes sessions that ended before `cutoff`; returns how many. */
export async function deleteEndedSessions(q: Queryable, cutoff: Date, batch: number): Promise<number> {
  const r = await q.query(`
    delete from worker_sessions where id in (
      select id from worker_sessions where ended_at < $1 order by ended_at limit $2 for update skip locked)`, [cutoff, batch]);
  return r.rowCount;
}

/** CONNECTED sessions in all namespaces (the /metrics gauge). */
export async function countConnected(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>(`select count(*)::int as n from worker_sessions where status = 'CONNECTED'`);
  return Number(rows[0]?.n ?? 0);
}
