/**
 * Approvals: an agent asks a human (requestApproval), the intent WAITs for APPROVAL
 * without a lease, and a decision (resolveApproval) or a timeout (the sweep) puts it
 * back to PENDING, fails it, or escalates to a fresh approval. Like every wait, each
 * change is an intent event written under the intent's row lock.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Queryable } from '../db/types.ts';
import { AxmeError, badInput, notFound } from '../core/errors.ts';
import { checkFormData, checkFormSchema } from '../core/form-schema.ts';
import { uuidv7 } from '../core/ids.ts';
import { refusal, step } from '../core/lifecycle.ts';
import type { Caller } from '../core/caller.ts';
import { Service } from './deps.ts';
import * as ap from '../store/approvals.ts';
import type { Change } from '../store/events.ts';
import { withFamily } from '../store/family.ts';
import { decodeListCursor } from '../store/list.ts';
import type { Intent } from '../core/model.ts';
import * as w from '../store/waits.ts';
import { SWEEPER_ACTOR, SWEEP_BATCH } from '../core/sweep.ts';
import * as v from '../core/validate.ts';
import { type LeasedWait, MAX_TIMEOUT_SECONDS } from './waits.ts';
import { type EngineDecision, isEngineApprovalType } from './engine-approvals.ts';

export interface ApprovalInput {
  type?: string | null;
  title: string;
  description?: string | null;
  options?: readonly string[] | null;
  assignees?: readonly string[] | null;
  formSchema?: unknown;
  requireComment?: boolean | null;
  timeoutSeconds?: number | null;
  onTimeout?: ap.TimeoutAction | null;
  escalateTo?: readonly string[] | null;
}

export interface ResolveInput {
  approvalId: string;
  outcome: string;
  comment?: string | null;
  data?: unknown;
  /** Who resolves when the request carries no authenticated principal. */
  resolvedBy?: string | null;
}

function names(field: string, value: readonly string[] | null | undefined, max: number): string[] {
  if (value == null) return [];
  if (value.length > max) throw badInput(`${field} may name at most ${max} values`, { field });
  return [...new Set(value.map((s) => v.text(field, s, 200)!))];
}

function agentApprovalType(type: string): string {
  const t = v.name('approval.type', type);
  if (isEngineApprovalType(t)) throw badInput('approval types starting with "axme." are the engine\'s own', { field: 'approval.type' });
  return t;
}

function approvalRequest(a: ApprovalInput, maxBytes: number): ap.ApprovalRequest {
  const options = a.options == null ? ['approve', 'reject'] : names('approval.options', a.options, 50);
  if (options.length === 0) throw badInput('approval.options must name at least one outcome', { field: 'approval.options' });
  const onTimeout = a.onTimeout ?? 'REJECT';
  const escalateTo = names('approval.escalateTo', a.escalateTo, 100);
  const timeoutSeconds = a.timeoutSeconds == null ? null : v.intInRange('approval.timeoutSeconds', a.timeoutSeconds, 0, 1, MAX_TIMEOUT_SECONDS);
  if (onTimeout === 'ESCALATE' && (escalateTo.length === 0 || timeoutSeconds === null)) {
    throw badInput('onTimeout ESCALATE needs escalateTo and timeoutSeconds', { field: 'approval.escalateTo' });
  }
  const formSchema = a.formSchema ?? null;
  // compiled by requestApproval once the lease is known good (checkFormSchema)
  if (formSchema !== null) v.payload('approval.formSchema', formSchema, maxBytes);
  return {
    type: a.type == null ? 'approval' : agentApprovalType(a.type),
    title: v.text('approval.title', a.title, 500)!,
    description: v.text('approval.description', a.description, 20_000),
    options,
    assignees: names('approval.assignees', a.assignees, 100),
    formSchema,
    requireComment: a.requireComment ?? false,
    timeoutSeconds,
    onTimeout,
    escalateTo,
  };
}

export class ApprovalService extends Service {
  /** What a human's answer does for each engine approval type (services/engine-approvals.ts). */
  private readonly decisions = new Map<string, EngineDecision>();

  /** Called once per engine approval type when services are made. */
  decideWith(type: string, decide: EngineDecision): void {
    if (!isEngineApprovalType(type)) throw new Error(`engine approval types start with axme.: ${type}`);
    this.decisions.set(type, decide);
  }

  async requestApproval(c: Caller, input: LeasedWait & { approval: ApprovalInput }): Promise<ap.Approval> {
    const id = v.id('id', input.id);
    const token = v.id('leaseToken', input.leaseToken);
    const req = approvalRequest(input.approval, this.config.maxPayloadBytes);
    const checkpoint = v.payload('checkpoint', input.checkpoint, this.config.maxPayloadBytes);
    const now = this.clock.now();
    const { approval } = await this.leaseCall(c.namespace, id, token, () => this.commit(async (tx) => {
      const cur = await w.lockIntent(tx, c.namespace, id, 'requestApproval', token, now);
      // only after the lease: a made-up id or stale token costs no compile and no cache entry
      if (req.formSchema !== null) checkFormSchema(c.namespace, req.formSchema);
      const agent = c.principal ?? cur.leaseAgent;
      const approval = await ap.insertApproval(tx, c.namespace, uuidv7(now.getTime()), id, req, null, agent, now);
      const change = await w.enterWait(
        tx, c.namespace, id, { waitingFor: 'APPROVAL', name: approval.id, wakeAt: null, checkpoint },
        step('requestApproval'), agent,
        { approvalId: approval.id, type: req.type, title: req.title, assignees: req.assignees, options: req.options, expiresAt: approval.expiresAt }, now,
      );
      return { approval, changes: [change] };
    }));
    return approval;
  }

  /**
   * The same resolution twice answers the stored approval; a different one, or one
   * after a timeout or escalation, fails with CONFLICT. So does a decision the intent
   * no longer waits for (reason NOT_WAITING_FOR_APPROVAL), which cancels the approval.
   * Racing resolves and the timeout sweep serialize on the intent's row lock.
   */
  async resolveApproval(c: Caller, input: ResolveInput): Promise<ap.Approval> {
    const approvalId = v.id('approvalId', input.approvalId);
    const outcome = v.text('outcome', input.outcome, 200)!;
    const comment = v.text('comment', input.comment, 20_000);
    const by = c.principal ?? v.text('resolvedBy', input.resolvedBy, 200) ?? 'anonymous';
    const now = this.clock.now();
    const { approval, stale } = await this.commit(async (tx): Promise<{
      approval: ap.Approval | null; changes: Change[]; stale?: Record<string, unknown>;
    }> => {
      const a0 = await ap.getApproval(tx, c.namespace, approvalId);
      if (!a0) throw notFound('approval', approvalId);
      // an approver decides what is assigned to it or to nobody; admins decide anything
      if (c.role && c.role !== 'admin' && a0.assignees.length > 0 && !a0.assignees.includes(c.principal ?? '')) {
        throw new AxmeError('FORBIDDEN', 'this approval is assigned to someone else', { approvalId, assignees: a0.assignees });
      }
      if (!a0.options.includes(outcome)) throw badInput(`outcome must be one of: ${a0.options.join(', ')}`, { field: 'outcome', options: a0.options });
      if (a0.requireComment && !comment) throw badInput('this approval requires a comment', { field: 'comment' });
      let data = v.payload('data', input.data, this.config.maxPayloadBytes);
      if (a0.formSchema !== null) {
        data ??= {};
        checkFormData(c.namespace, a0.formSchema, data);
      }
      const cur = await w.lockIntent(tx, c.namespace, a0.intentId, null, null, now);
      const a = (await ap.getApproval(tx, c.namespace, approvalId))!;
      if (a.status !== 'PENDING') {
        if (a.status === 'RESOLVED' && a.outcome === outcome && a.comment === comment && isDeepStrictEqual(a.data, data)) {
          return { approval: a, changes: [] };
        }
        throw new AxmeError('CONFLICT', `approval is already ${a.status}`, {
          approvalId, status: a.status, outcome: a.outcome, resolvedBy: a.resolvedBy, ...(a.status === 'ESCALATED' ? { reason: 'ESCALATED' } : {}),
        });
      }
      if (refusal('resolveApproval', cur, null, now) || cur.waitingFor !== 'APPROVAL' || cur.waitName !== approvalId) {
        // the intent left this wait some other way (cancelled and redriven, say): nobody awaits the answer
        await ap.cancelApprovalRow(tx, c.namespace, approvalId, now);
        return { approval: null, changes: [], stale: { intentId: cur.id, status: cur.status, waitingFor: cur.waitingFor } };
      }
      const resolved = (await ap.resolveApprovalRow(tx, c.namespace, approvalId, outcome, comment, data, by, now))!;
      const decide = this.decisions.get(a.type);
      if (decide) {
        const changes = await decide(tx, cur, resolved, { outcome, comment, data, by }, now);
        // read again: the decision may have recorded its result (a fork's id)
        return { approval: (await ap.getApproval(tx, c.namespace, approvalId))!, changes };
      }
      const change = await w.wakeIntent(tx, c.namespace, cur.id, step('resolveApproval'), by,
        { wake: 'APPROVAL', approvalId, outcome, comment }, now);
      return { approval: resolved, changes: [change] };
    });
    if (stale) {
      throw new AxmeError('CONFLICT', 'the intent no longer waits for this approval; it was cancelled', {
        approvalId, reason: 'NOT_WAITING_FOR_APPROVAL', ...stale,
      });
    }
    return approval!;
  }

  async approval(c: Caller, id: string): Promise<ap.Approval | null> {
    return ap.getApproval(this.db, c.namespace, v.id('id', id));
  }

  async approvals(c: Caller, a: { statuses?: ap.ApprovalStatus[] | null; assignee?: string | null; types?: string[] | null; intentId?: string | null; first?: number | null; after?: string | null }) {
    const first = v.intInRange('first', a.first, 20, 0, 500);
    const after = a.after ? decodeListCursor(a.after) : null;
    return ap.listApprovals(this.db, c.namespace, {
      statuses: a.statuses?.length ? a.statuses : null,
      assignee: a.assignee ?? null,
      types: a.types?.length ? a.types : null,
      intentId: v.optionalId('intentId', a.intentId),
    }, first, after);
  }

  // ---- the timeout sweep (registered in sweeps/waits.ts)

  /** Approvals past expiresAt: REJECT → PENDING, FAIL → FAILED, ESCALATE → a fresh approval for escalateTo. */
  async sweepApprovals(now: Date): Promise<number> {
    let changed = 0;
    for (const due of await ap.dueApprovals(this.db, now, SWEEP_BATCH)) {
      const { changes } = await this.commit(async (tx) => {
        const cur = await w.lockIntent(tx, due.namespace, due.intent_id, null, null, now);
        const a = await ap.getApproval(tx, due.namespace, due.id);
        if (!a || a.status !== 'PENDING') return { changes: [] };
        if (refusal('timeOutApproval', cur, null, now) || cur.waitingFor !== 'APPROVAL' || cur.waitName !== a.id) {
          // the intent left the wait some other way (a deadline, an operator): the request is moot
          await ap.cancelApprovalRow(tx, due.namespace, a.id, now);
          return { changes: [] };
        }
        return { changes: await this.timeOut(tx, cur, a, now) };
      });
      changed += changes.length;
    }
    return changed;
  }

  private async timeOut(tx: Queryable, cur: Intent, a: ap.Approval, now: Date): Promise<Change[]> {
    const ns = cur.namespace;
    if (a.onTimeout === 'ESCALATE') {
      if (!(await ap.timeOutApprovalRow(tx, ns, a.id, 'ESCALATED', null, null, now))) return [];
      const next = await ap.insertApproval(tx, ns, uuidv7(now.getTime()), cur.id,
        { ...a, assignees: a.escalateTo, escalateTo: [], onTimeout: 'REJECT' }, a.id, a.requestedBy, now);
      return [await w.rewait(tx, ns, cur.id, next.id, step('timeOutApproval', 'WAITING'), SWEEPER_ACTOR,
        { approvalId: next.id, escalatedFrom: a.id, assignees: next.assignees, expiresAt: next.expiresAt }, now)];
    }
    // nobody answered an engine approval: there is no agent to hand a "reject" to, so it fails
    if (a.onTimeout === 'FAIL' || this.decisions.has(a.type)) {
      if (!(await ap.timeOutApprovalRow(tx, ns, a.id, 'TIMED_OUT', null, null, now))) return [];
      const error = { message: 'approval timed out', code: 'APPROVAL_TIMED_OUT', retryable: false, details: { approvalId: a.id } };
      const failed = await w.failWaiting(tx, ns, cur.id, error, step('timeOutApproval', 'FAILED'), SWEEPER_ACTOR,
        { approvalId: a.id, onTimeout: 'FAIL', error }, now);
      const withParent = await withFamily(tx, ns, failed, SWEEPER_ACTOR, now);
      return [withParent];
    }
    if (!(await ap.timeOutApprovalRow(tx, ns, a.id, 'TIMED_OUT', 'reject', null, now))) return [];
    return [await w.wakeIntent(tx, ns, cur.id, step('timeOutApproval', 'PENDING'), SWEEPER_ACTOR,
      { wake: 'APPROVAL_TIMEOUT', approvalId: a.id, outcome: 'reject' }, now)];
  }

}
