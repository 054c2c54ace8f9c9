/**
 * Failure escalation (issue 19 part 4). Where an attempt would end the intent FAILED, a
 * retry policy with onExhausted ESCALATE has it wait on an `axme.escalation` approval
 * (store/escalations.ts) whose answer acts here, in the resolving transaction:
 * retry as is, fork (from a step, with an edited input), or fail.
 */
import type { Config } from '../core/config.ts';
import { badInput } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { mergePatch } from '../core/merge-patch.ts';
import type { Intent, IntentError } from '../core/model.ts';
import { resolveExhausted } from '../core/retry-policy.ts';
import * as v from '../core/validate.ts';
import { type ApprovalRequest, setApprovalResult } from '../store/approvals.ts';
import { type Escalate, decided, retryEscalated, roundAttempts } from '../store/escalations.ts';
import type { Change } from '../store/events.ts';
import { withFamily } from '../store/family.ts';
import { forkIntent } from '../store/forks.ts';
import { getTypePolicy } from '../store/recovery.ts';
import { failWaiting } from '../store/waits.ts';
import type { EngineDecision } from './engine-approvals.ts';

export const ESCALATION_TYPE = 'axme.escalation';
export const ESCALATION_OPTIONS = ['retry', 'fork', 'fail'] as const;

/** What the decision's `data` may hold; `attempts` is for retry, the rest for fork. */
function formSchema(attempts: number): object {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      attempts: { type: 'integer', minimum: 1, maximum: 100, default: attempts, description: 'retry: how many more attempts' },
      fromStep: { type: 'string', minLength: 1, maxLength: 200, description: 'fork: run this step and the ones after it again' },
      input: { description: 'fork: the new input (replaces the original)' },
      inputPatch: { type: 'object', description: 'fork: merged into the original input (RFC 7386)' },
    },
  };
}

function describe(cur: Intent, error: IntentError): string {
  const why = error.retryable === false ? 'failed with an error that is not retryable' : `has used all ${cur.maxAttempts} attempts`;
  const code = error.code ? `[${error.code}] ` : '';
  return `Attempt ${cur.attempt} of ${cur.type} ${why}. Last error: ${code}${error.message}`.slice(0, 20_000);
}

/** The approval an exhausted intent waits on. */
export function escalationRequest(cur: Intent, error: IntentError, assignees: string[], timeoutSeconds: number | null, attempts: number): ApprovalRequest {
  return {
    type: ESCALATION_TYPE,
    title: `${cur.type} failed: retry, fork with an edited input, or fail?`.slice(0, 500),
    description: describe(cur, error),
    options: [...ESCALATION_OPTIONS],
    assignees,
    formSchema: formSchema(attempts),
    requireComment: false,
    timeoutSeconds,
    // an engine approval nobody answers ends the intent FAILED (ApprovalService.timeOut)
    onTimeout: 'FAIL',
    escalateTo: [],
  };
}

/** The failing paths' question: escalate this intent (its policy, its type's, the server's)? */
export function escalationFor(config: Config): Escalate {
  return async (tx, cur, error) => {
    // the intent's own FAIL wins whatever its type says: no read of the type's policy
    if (cur.retryPolicy?.onExhausted === 'FAIL') return null;
    const type = await getTypePolicy(tx, cur.namespace, cur.type);
    const p = resolveExhausted(config.onExhausted, type?.retry ?? null, cur.retryPolicy);
    if (p.onExhausted !== 'ESCALATE') return null;
    const attempts = await roundAttempts(tx, cur, ESCALATION_TYPE);
    return escalationRequest(cur, error, p.escalateTo, p.escalateTimeoutSeconds, attempts);
  };
}

interface DecisionData {
  attempts?: number;
  fromStep?: string;
  input?: unknown;
  inputPatch?: unknown;
}

/**
 * retry: PENDING with `attempts` more (default: as many as its first round had), the
 * checkpoint and recorded steps kept. fork: a new intent via the fork code, the
 * original FAILED naming it (forkedTo). fail: FAILED with the last error.
 */
export function escalationDecision(config: Config): EngineDecision {
  return async (tx, cur, approval, d, now): Promise<Change[]> => {
    const ns = cur.namespace;
    const data = (d.data ?? {}) as DecisionData;
    const base = { wake: 'ESCALATION', approvalId: approval.id, outcome: d.outcome, comment: d.comment };
    const forkFields = (['fromStep', 'input', 'inputPatch'] as const).filter((k) => data[k] !== undefined);
    if (d.outcome === 'retry') {
      if (forkFields.length) throw badInput(`${forkFields.join(', ')} belong to a fork; retry takes only attempts`, { field: 'data', reason: 'FORK_FIELDS_ON_RETRY' });
      const attempts = data.attempts ?? (await roundAttempts(tx, cur, approval.type));
      await setApprovalResult(tx, ns, approval.id, { attempts, maxAttempts: cur.attempt + attempts });
      return [await retryEscalated(tx, ns, cur.id, attempts, d.by, { ...base, attempts, maxAttempts: cur.attempt + attempts }, now)];
    }
    if (data.attempts !== undefined) throw badInput('attempts is for retry', { field: 'data.attempts' });
    const also: Change[] = [];
    let forkedTo: string | null = null;
    if (d.outcome === 'fork') {
      if (data.input !== undefined && data.inputPatch !== undefined) {
        throw badInput('give input (a replacement) or inputPatch (a merge patch), not both', { field: 'data', reason: 'INPUT_AND_PATCH' });
      }
      const raw = data.input !== undefined ? data.input : data.inputPatch !== undefined ? mergePatch(cur.input, data.inputPatch) : cur.input;
      const input = v.payload('data.input', raw, config.maxPayloadBytes);
      const fork = await forkIntent(tx, ns, cur.id, {
        id: uuidv7(now.getTime()), type: null, input, labels: null, idempotencyKey: null, fromStep: data.fromStep ?? null, fromSeq: null,
      }, d.by, now);
      forkedTo = fork.intent.id;
      await setApprovalResult(tx, ns, approval.id, { forkedTo, fromStep: data.fromStep ?? null });
      if (fork.change) also.push(fork.change);
    }
    const failed = await failWaiting(tx, ns, cur.id, cur.error, decided('FAILED'), d.by,
      { ...base, error: cur.error, ...(forkedTo ? { forkedTo, fromStep: data.fromStep ?? null } : {}) }, now);
    return [await withFamily(tx, ns, failed, d.by, now), ...also];
  };
}
