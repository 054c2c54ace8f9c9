/**
 * Every SQL statement that reads or changes intents, one per operation. Callers
 * pass `now` from the service clock; no statement reads the database's own clock.
 */
import type { Queryable } from '../db/types.ts';
import { AxmeError, notFound } from '../core/errors.ts';
import { type Action, type Status, TRANSITIONS, afterFailure, isTerminal, refusal, step } from '../core/lifecycle.ts';
import { type Escalate, escalateFailure } from './escalations.ts';
import { type Change, eventParams, toChange, toLeanChange, withEvent } from './events.ts';
import { cancelLocked, lockIntent, withFamily } from './family.ts';
import { retryWhere } from './recovery.ts';
import { ending, stepParams } from './transition.ts';
import type { Intent, IntentError } from '../core/model.ts';
import { json, lean, toIntent, toLeanIntent } from './rows.ts';
import type { RetryPolicyPatch } from '../core/retry-policy.ts';
import { type BudgetLimits, budgetExceeded, crossed } from '../core/budget.ts';
import { INSERT_INTENT_BUDGETS, budgetsOf } from './budgets.ts';
import { overBudget } from './budget-check.ts';

export interface NewIntent {
  id: string;
  type: string;
  input: unknown;
  idempotencyKey: string | null;
  priority: number;
  runAt: Date;
  maxAttempts: number;
  parentId: string | null;
  labels: string[];
  /** Recovery settings (migration 002); absent means none. */
  retryPolicy?: RetryPolicyPatch | null;
  deadline?: Date | null;
  attemptTimeoutSeconds?: number | null;
  concurrencyKey?: string | null;
  concurrencyLimit?: number | null;
  /** maxAttempts was not given: the type's default (setIntentTypePolicy), if any, replaces it. */
  maxAttemptsFromType?: boolean;
  /** The schedule that fired it (migration 014), and what its SUBMITTED event says about the fire. */
  scheduleId?: string | null;
  submittedData?: unknown;
  /** Its own budget (migration 017); without one it counts against its ancestors'. */
  budget?: BudgetLimits | null;
}

const GET = `select * from intents where namespace = $1 and id = $2`;

export async function getIntent(q: Queryable, ns: string, id: string): Promise<Intent | null> {
  const { rows } = await q.query(GET, [ns, id]);
  return rows[0] ? toIntent(rows[0]) : null;
}

export async function getIntents(q: Queryable, ns: string, ids: readonly string[]): Promise<Intent[]> {
  const { rows } = await q.query(`select * from intents where namespace = $1 and id = any($2::uuid[])`, [ns, ids]);
  return rows.map(toIntent);
}

// The new intents arrive as one JSON array, so a batch of any size is one statement
// with fixed parameters. A missing parent leaves its row out (its foreign key would
// fail the whole statement); so does a used idempotency key (on conflict). The type's
// default maxAttempts (setIntentTypePolicy) replaces an unspecified one. Rows go in
// idempotency-key order, so two instances inserting the same keys cannot deadlock.
// The parent is looked up by its key for each new row, in scalar subqueries, which the
// planner runs per row: a join or an EXISTS, on a table whose statistics lag its growth
// (a new database, autovacuum off), was planned as a hash of every intent of the
// namespace, so each submit cost time in proportion to the intents stored.
//
// A row with hand_agent names a claim waiting on this instance (services/hand-off.ts):
// the intent goes in leased to it at hand_at (RUNNING, attempt 1, SUBMITTED then CLAIMED)
// when the claim would have taken it first: due, no concurrency key, its type not paused,
// no other claimable intent of the claim's types waiting, the claim's session CONNECTED.
// Otherwise it goes in PENDING, as any other. The checks are scalar subqueries too, run
// once per row (a materialized CTE: the insert refers to `handed` many times). Both
// events come from one insert in seq order, so the feed, read in id order, has them so.
const SUBMIT_MANY = `
  with b as (
    select * from jsonb_to_recordset($2::jsonb) as b(
      id uuid, type text, input jsonb, max_attempts int, from_type boolean, priority int, idempotency_key text,
      parent_id uuid, labels text[], run_at timestamptz, created_at timestamptz, actor text, retry_policy jsonb,
      deadline timestamptz, attempt_timeout_seconds int, concurrency_key text, concurrency_limit int,
      schedule_id uuid, event_data jsonb, budget_max_usd numeric, budget_max_tokens bigint, budget_on_exceeded text,
      hand_agent text, hand_worker uuid, hand_lease_seconds int, hand_types text[], hand_at timestamptz)
  ), bh as materialized (
    select b.*,
           case when b.parent_id is not null then (select x.budget_ids from intents x where x.namespace = $1 and x.id = b.parent_id) end as parent_budget_ids,
           b.parent_id is null or (select true from intents x where x.namespace = $1 and x.id = b.parent_id) as parent_found,
           coalesce(b.hand_agent is not null and b.concurrency_key is null and b.run_at <= b.hand_at
             and (b.deadline is null or b.deadline > b.hand_at)
             and (select true from intent_type_pauses tp where tp.namespace = $1 and tp.type = b.type) is null
             and (select true from intents x where x.namespace = $1 and x.status = 'PENDING' and x.type = any(b.hand_types)
                  and x.run_at <= b.hand_at and (x.deadline is null or x.deadline > b.hand_at) limit 1) is null
             and (b.hand_worker is null
                  or (select true from worker_sessions w where w.id = b.hand_worker and w.namespace = $1 and w.status = 'CONNECTED')), false) as handed
    from b
  ), ins as (
    insert into intents (id, namespace, type, status, input, max_attempts, priority, idempotency_key,
                         parent_id, labels, run_at, created_at, updated_at, last_seq,
                         retry_policy, deadline, attempt_timeout_seconds, concurrency_key, concurrency_limit, schedule_id, budget_ids,
                         attempt, lease_token, lease_agent, lease_worker, lease_expires_at, attempt_expires_at)
    select b.id, $1, b.type, case when b.handed then $5 else $4 end, coalesce(b.input, 'null'::jsonb),
           case when b.from_type then coalesce(p.max_attempts, b.max_attempts) else b.max_attempts end,
           b.priority, b.idempotency_key, b.parent_id, b.labels, b.run_at, b.created_at,
           case when b.handed then b.hand_at else b.created_at end, case when b.handed then 2 else 1 end,
           b.retry_policy, b.deadline, b.attempt_timeout_seconds, b.concurrency_key, b.concurrency_limit, b.schedule_id,
           -- its own budget (if set) first, then the parent's chain: usage counts against all of them
           case when b.budget_max_usd is not null or b.budget_max_tokens is not null then array[b.id] || b.parent_budget_ids else b.parent_budget_ids end,
           -- as the claim statement leases
           case when b.handed then 1 else 0 end,
           case when b.handed then gen_random_uuid() end,
           case when b.handed then b.hand_agent end,
           case when b.handed then b.hand_worker end,
           case when b.handed then least(b.hand_at + make_interval(secs => b.hand_lease_seconds), b.hand_at + make_interval(secs => b.attempt_timeout_seconds)) end,
           case when b.handed then b.hand_at + make_interval(secs => b.attempt_timeout_seconds) end
    from bh b left join intent_type_policies p on p.namespace = $1 and p.type = b.type
    where b.parent_found
    order by b.idempotency_key
    on conflict (namespace, idempotency_key) do nothing
    returning *
  ), bud as (${INSERT_INTENT_BUDGETS}
  ), ev as (
    insert into intent_events (namespace, intent_id, seq, kind, status, actor, data, at)
    select e.namespace, e.intent_id, e.seq, e.kind, e.status, e.actor, e.data, e.at from (
      select ins.namespace, ins.id as intent_id, 1 as seq, $3::text as kind, $4::text as status, b.actor, b.event_data as data, ins.created_at as at
      from ins join b on b.id = ins.id
      union all
      select ins.namespace, ins.id, 2, $6::text, ins.status, ins.lease_agent,
             jsonb_build_object('agent', ins.lease_agent, 'attempt', ins.attempt, 'resumed', false), ins.updated_at
      from ins where ins.lease_token is not null
    ) e order by e.intent_id, e.seq
    returning intent_id, seq, id::text as id, kind, actor, data, tx::text as tx
  )
  select ins.*, ev.id as ev_id, ev.kind as ev_kind, ev.actor as ev_actor, ev.data as ev_data, ev.tx as ev_tx,
         cl.id as cl_id, cl.kind as cl_kind, cl.actor as cl_actor, cl.data as cl_data, cl.tx as cl_tx
  from ins join ev on ev.intent_id = ins.id and ev.seq = 1 left join ev cl on cl.intent_id = ins.id and cl.seq = 2`;

/** A claim waiting for work of `types`, to lease a new intent to if it would have taken it first. */
export interface HandTo {
  agent: string;
  worker: string | null;
  leaseSeconds: number;
  types: string[];
  /** When the lease starts: the statement's time, as a claim statement's (the submit's own `now` may be older). */
  at: Date;
}

/** One intent to submit, with who submits it and when. */
export interface Submission {
  intent: NewIntent;
  actor: string | null;
  now: Date;
  handTo?: HandTo | null;
}

/** A submitted intent's change (SUBMITTED), and its CLAIMED change when it went in leased to the claim it was handed to. */
export interface SubmitChange {
  change: Change;
  claimed: Change | null;
}

/**
 * Inserts the intents and their SUBMITTED events in one statement, and returns the
 * changes by intent id. An intent it left out (a used idempotency key, a missing
 * parent) is for `settleSubmit` to explain.
 */
export async function submitIntents(q: Queryable, ns: string, items: readonly Submission[]): Promise<Map<string, SubmitChange>> {
  const rows = items.map(({ intent: n, actor, now, handTo }) => ({
    id: n.id, type: n.type, input: n.input ?? null, max_attempts: n.maxAttempts, from_type: n.maxAttemptsFromType ?? false,
    priority: n.priority, idempotency_key: n.idempotencyKey, parent_id: n.parentId, labels: n.labels, run_at: n.runAt,
    created_at: now, actor, retry_policy: n.retryPolicy ?? null, deadline: n.deadline ?? null,
    attempt_timeout_seconds: n.attemptTimeoutSeconds ?? null, concurrency_key: n.concurrencyKey ?? null,
    concurrency_limit: n.concurrencyLimit ?? null, schedule_id: n.scheduleId ?? null, event_data: n.submittedData ?? null,
    budget_max_usd: n.budget?.maxUsd ?? null, budget_max_tokens: n.budget?.maxTokens ?? null, budget_on_exceeded: n.budget?.onExceeded ?? null,
    hand_agent: handTo?.agent ?? null, hand_worker: handTo?.worker ?? null, hand_lease_seconds: handTo?.leaseSeconds ?? null, hand_types: handTo?.types ?? null, hand_at: handTo?.at ?? null,
  }));
  const [submitted, claim] = [step('submit'), step('claim')];
  const res = await q.query(SUBMIT_MANY, [ns, JSON.stringify(rows), submitted.kind, submitted.to, claim.to, claim.kind]);
  return new Map(res.rows.map((r): [string, SubmitChange] => {
    if (r.cl_id == null) {
      const change = toChange(r);
      return [change.intent.id, { change, claimed: null }];
    }
    // leased as it went in: the row is at seq 2, its SUBMITTED event at seq 1
    const claimed = toChange({ ...r, ev_id: r.cl_id, ev_kind: r.cl_kind, ev_actor: r.cl_actor, ev_data: r.cl_data, ev_tx: r.cl_tx });
    const change: Change = { intent: claimed.intent, event: { ...toChange(r).event, seq: 1, status: submitted.to } };
    return [change.intent.id, { change, claimed }];
  }));
}

const SAME_KEY = `
  select *, (type = $3 and input = $4::jsonb) as same_input
  from intents where namespace = $1 and idempotency_key = $2`;

/**
 * The answer for a submission the insert left out: with its idempotency key already
 * used, the stored intent (change: null) when type and input match, CONFLICT when
 * they do not; racing submits resolve through the unique index, so exactly one inserts.
 */
export async function settleSubmit(q: Queryable, ns: string, n: NewIntent): Promise<Intent> {
  if (n.parentId && !(await getIntent(q, ns, n.parentId))) throw notFound('parent intent', n.parentId);
  const existing = await q.query<Record<string, unknown>>(SAME_KEY, [ns, n.idempotencyKey, n.type, json(n.input) ?? 'null']);
  const row = existing.rows[0];
  if (!row) throw new AxmeError('CONFLICT', 'idempotency key is in use; retry the submit');
  if (!row.same_input) {
    throw new AxmeError('CONFLICT', 'idempotency key was already used with a different type or input', {
      idempotencyKey: n.idempotencyKey,
      intentId: row.id,
    });
  }
  return toIntent(row);
}

/** Inserts one intent and its SUBMITTED event, or settles it against what is stored (see settleSubmit). */
export async function submitIntent(
  q: Queryable, ns: string, n: NewIntent, actor: string | null, now: Date,
): Promise<{ intent: Intent; change: Change | null }> {
  const change = (await submitIntents(q, ns, [{ intent: n, actor, now }])).get(n.id)?.change;
  return change ? { intent: change.intent, change } : { intent: await settleSubmit(q, ns, n), change: null };
}

export interface ClaimArgs {
  types: string[];
  leaseSeconds: number;
  /** One per intent wanted, in the order they are handed out: the lease holder and event actor of each. */
  agents: string[];
  /** One per intent wanted, beside agents: the worker session that will hold each lease (null: none named). */
  workers?: (string | null)[];
}

// The claim slots ($1 agents, $6 workers, 1-based) that may take work: those naming no
// worker session, and those whose session is CONNECTED (as liveSessionOrThrow, store/workers.ts,
// requires). The sessions are looked up once by primary key (= any), not per slot and not
// by scanning every CONNECTED session. A session never becomes CONNECTED again once ended,
// so a claimer that got nothing can read its session afterwards to tell "no work" from "session gone".
const LIVE_SLOTS = `
  select s.slot from unnest($6::uuid[]) with ordinality as s(worker, slot)
  where s.worker is null or s.worker = any(array(
    select w.id from worker_sessions w where w.id = any($6::uuid[]) and w.namespace = $4 and w.status = 'CONNECTED'))`;

// axme_claim_candidates (migration 008) picks and locks the rows: candidates in claim
// order, the concurrency-key check only on rows ahead of the last one taken. It runs
// once, as an init plan (a volatile function compared per row would be called per row).
// It picks as many as there are live slots, and the n-th intent it picked goes to the
// n-th live slot: a dead session's slot neither gets a lease nor holds back a candidate
// from the others. Columns are c_-prefixed so that `returning *` does not return a second id.
const CLAIM = withEvent(`
  update intents i set
    status = $7, attempt = attempt + case when resume_next then 0 else 1 end,
    claim_resumed = resume_next, resume_next = false,
    lease_token = gen_random_uuid(), lease_agent = c.c_agent, lease_worker = c.c_worker,
    lease_expires_at = least($2::timestamptz + make_interval(secs => $3), $2::timestamptz + make_interval(secs => attempt_timeout_seconds)),
    attempt_expires_at = $2::timestamptz + make_interval(secs => attempt_timeout_seconds),
    last_seq = last_seq + 1, updated_at = $2
  from (
    select u.c_id, l.slot as c_slot, ($1::text[])[l.slot] as c_agent, ($6::uuid[])[l.slot] as c_worker
    from unnest((select axme_claim_candidates($4, $5::text[], $2, (select count(*)::int from (${LIVE_SLOTS}) n))))
      with ordinality as u(c_id, nth)
    join (select slot, row_number() over (order by slot) as nth from (${LIVE_SLOTS}) s) l on l.nth = u.nth
  ) c
  where i.id = c.c_id`,
  { actorIsLeaseHolder: true, data: `jsonb_build_object('agent', lease_agent, 'attempt', attempt, 'resumed', claim_resumed)` });

/** A lease taken by claimIntents, and which of the agents it is for (0-based). */
export interface Claimed {
  change: Change;
  slot: number;
}

/**
 * Leases up to `agents.length` of the most urgent runnable intents of the given types, in
 * claim order. A slot whose worker session is not CONNECTED (or not of `ns`) gets none.
 */
export async function claimIntents(q: Queryable, ns: string, a: ClaimArgs, now: Date): Promise<Claimed[]> {
  const claimed = step('claim');
  const workers = a.workers ?? a.agents.map(() => null);
  const { rows } = await q.query(CLAIM, [a.agents, now, a.leaseSeconds, ns, a.types, workers, claimed.to, claimed.kind, null]);
  return rows.map((r) => ({ change: toChange(r), slot: Number(r.c_slot) - 1 })).sort((x, y) => x.slot - y.slot);
}

/** Explains, from the intent as it is now, why a guarded statement changed nothing. */
export async function whyNot(q: Queryable, ns: string, id: string, action: Action, token: string | null, now: Date): Promise<AxmeError> {
  const current = await getIntent(q, ns, id);
  if (!current) return notFound('intent', id);
  const r = refusal(action, current, token, now);
  if (r) return new AxmeError(r.code, r.message, { id, status: current.status });
  // the lease is good: a crossed budget is what the guarded statement refused
  const over = (await budgetsOf(q, ns, id, now)).find((b) => crossed(b) !== null);
  if (over && TRANSITIONS[action].lease) return budgetExceeded(id, over);
  return new AxmeError('CONFLICT', 'the intent changed while the request ran; retry', { id, status: current.status });
}

// Lease-guarded statements: change the row only while the caller's lease is live and no
// budget its usage counts against is crossed (whyNot then answers BUDGET_EXCEEDED).
// The id is the statement's only index condition (the rest is tested as `(…) is true`):
// given (namespace, status) as well, a plan could take intents_status, whose RUNNING range
// holds an entry for every intent that ever ran until vacuum clears them, and read
// thousands of dead entries to find one row.
export const LEASE_HELD = `id = $2 and (namespace = $1 and status = any($3::text[]) and lease_token = $4 and lease_expires_at > $5) is true`;
export const LEASED = `${LEASE_HELD} and not ${overBudget('intents', '$5')}`;

// answers the intent lean (model.ts): a lease extension needs none of its payloads
const HEARTBEAT_LEAN = lean();
const HEARTBEAT = `
  update intents set lease_expires_at = least($5::timestamptz + make_interval(secs => $6), attempt_expires_at)
  where ${LEASED}
  returning ${HEARTBEAT_LEAN.columns()}`;

export async function heartbeatIntent(
  q: Queryable, ns: string, id: string, token: string, leaseSeconds: number, now: Date,
): Promise<Intent> {
  const { rows } = await q.query(HEARTBEAT, [ns, id, TRANSITIONS.heartbeat.from, token, now, leaseSeconds]);
  if (rows[0]) return toLeanIntent(rows[0], HEARTBEAT_LEAN);
  throw await whyNot(q, ns, id, 'heartbeat', token, now);
}

// answers the checkpoint it wrote and no other payload (model.ts): not the run's input, each time
const CHECKPOINT_LEAN = lean(['checkpoint']);
const CHECKPOINT = withEvent(`
  update intents set checkpoint = $6::jsonb, last_seq = last_seq + 1, updated_at = $5
  where ${LEASED}`, { actorIsLeaseHolder: true, lean: CHECKPOINT_LEAN });

export async function checkpointIntent(
  q: Queryable, ns: string, id: string, token: string, checkpoint: unknown, actor: string | null, now: Date,
): Promise<Change> {
  const { rows } = await q.query(CHECKPOINT, [
    ns, id, TRANSITIONS.checkpoint.from, token, now, json(checkpoint),
    ...eventParams({ kind: step('checkpoint').kind, actor }),
  ]);
  if (rows[0]) return toLeanChange(rows[0], CHECKPOINT_LEAN);
  throw await whyNot(q, ns, id, 'checkpoint', token, now);
}

const COMPLETE_SET = `
  update intents set ${ending('$7', '$5')}, output = $6::jsonb, error = null, last_seq = last_seq + 1, updated_at = $5
  where ${LEASED}`;
const COMPLETE = withEvent(`${COMPLETE_SET} and parent_id is null`, { actorIsLeaseHolder: true });
const COMPLETE_CHILD = withEvent(COMPLETE_SET, { actorIsLeaseHolder: true });

const completeParams = (ns: string, id: string, token: string, output: unknown, actor: string | null, now: Date) =>
  [ns, id, TRANSITIONS.complete.from, token, now, json(output), ...stepParams(step('complete'), actor)];

/**
 * One statement for an intent without a parent; null when it changed nothing: a child
 * then finishes by completeLocked, anything else is for whyNot to explain.
 */
export async function completeIntent(
  q: Queryable, ns: string, id: string, token: string, output: unknown, actor: string | null, now: Date,
): Promise<Change | null> {
  const { rows } = await q.query(COMPLETE, completeParams(ns, id, token, output, actor, now));
  return rows[0] ? toChange(rows[0]) : null;
}

/** Completes the intent under its parent's lock and its own, waking a waiting parent whose last child it was. */
export async function completeLocked(
  tx: Queryable, ns: string, id: string, token: string, output: unknown, actor: string | null, now: Date,
): Promise<Change> {
  await lockIntent(tx, ns, id, 'complete', token, now);
  const { rows } = await tx.query(COMPLETE_CHILD, completeParams(ns, id, token, output, actor, now));
  return withFamily(tx, ns, toChange(rows[0]!), actor, now);
}

export interface Completion {
  id: string;
  token: string;
  output: unknown;
}

// The items arrive as parallel arrays; outputs as one JSON array (jsonb[] parameters
// are not portable to PGlite), picked by position. Columns are b_-prefixed so that
// `returning *` does not return a second id. A child intent is left out: it finishes
// in a transaction that may wake its parent (completeIntent). The ids are the only index
// condition, the rest is tested as `(…) is true`, so the rows are found by id: through the
// index on lease expiry a batch read every RUNNING intent whose lease is live, and through
// intents_status every entry an intent that ever ran left there (LEASE_HELD).
const COMPLETE_MANY = withEvent(`
  update intents set ${ending('$7', '$5')}, output = nullif($6::jsonb -> (b.n::int - 1), 'null'::jsonb), error = null,
    last_seq = last_seq + 1, updated_at = $5
  from unnest($2::uuid[], $4::uuid[]) with ordinality as b(b_id, b_token, n)
  where id = any($2::uuid[]) and id = b.b_id
    and (namespace = $1 and status = any($3::text[]) and lease_token = b.b_token and lease_expires_at > $5 and parent_id is null) is true
    and not ${overBudget('intents', '$5')}`, { actorIsLeaseHolder: true });

/**
 * Completes many leased intents in one statement. Returns the changes it made, by
 * the item's position: by position, not id, so that of two items for one intent
 * (an expired lease's holder and the current one) the one whose token matched is
 * the one told it completed. An item it did not change (lease lost, not running, a
 * child intent) is for the caller to complete alone, which finishes it or says why not.
 */
export async function completeIntents(
  q: Queryable, ns: string, items: readonly Completion[], actor: string | null, now: Date,
): Promise<Map<number, Change>> {
  const { rows } = await q.query(COMPLETE_MANY, [
    ns, items.map((i) => i.id), TRANSITIONS.complete.from, items.map((i) => i.token), now,
    JSON.stringify(items.map((i) => i.output ?? null)),
    ...stepParams(step('complete'), actor),
  ]);
  return new Map(rows.map((r) => [Number(r.n) - 1, toChange(r)]));
}

const FAIL = withEvent(`
  update intents set ${ending('$3', '$6')}, error = $4::jsonb, run_at = $5, last_seq = last_seq + 1, updated_at = $6
  where namespace = $1 and id = $2`, { actorIsLeaseHolder: true });

/**
 * Ends the attempt with an error: back to PENDING while attempts remain and the error is
 * retryable, else FAILED, or WAITING for a human when `escalate` answers an approval.
 */
export async function failIntent(
  tx: Queryable, ns: string, id: string, token: string, error: IntentError, actor: string | null, now: Date,
  nextRunAt?: (tx: Queryable, cur: Intent) => Promise<Date>, escalate?: Escalate,
): Promise<Change> {
  const cur = await lockIntent(tx, ns, id, 'fail', token, now);
  const failed = step('fail', afterFailure(cur.attempt, cur.maxAttempts, error.retryable));
  const again = !isTerminal(failed.to);
  const req = !again && escalate ? await escalate(tx, cur, error) : null;
  if (req) return escalateFailure(tx, cur, error, req, {}, actor, now);
  const runAt = again ? (nextRunAt ? await nextRunAt(tx, cur) : now) : cur.runAt;
  const { rows } = await tx.query(FAIL, [
    ns, id, failed.to, json(error), runAt, now,
    ...eventParams({ kind: failed.kind, actor, data: { attempt: cur.attempt, error, ...(again ? { runAt } : {}) } }),
  ]);
  return withFamily(tx, ns, toChange(rows[0]!), actor, now);
}

export async function cancelIntent(
  tx: Queryable, ns: string, id: string, reason: string | null, actor: string | null, now: Date,
): Promise<Change> {
  return cancelLocked(tx, ns, await lockIntent(tx, ns, id, 'cancel', null, now), { reason }, actor, now);
}

/** Puts a FAILED or CANCELLED intent back to PENDING under the same id; input, checkpoint, error and attempts stay. */
export async function retryIntent(tx: Queryable, ns: string, id: string, actor: string | null, now: Date): Promise<Change> {
  await lockIntent(tx, ns, id, 'retry', null, now);
  const [change] = await retryWhere(tx, ns, { statuses: [...TRANSITIONS.retry.from], id }, actor, now, 1);
  return change!;
}

export type { Status };
