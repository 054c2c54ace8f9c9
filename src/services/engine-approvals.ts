/**
 * Approvals the engine asks for itself, not an agent: a budget crossed (issue 19), attempts
 * exhausted with onExhausted ESCALATE. Their type starts with `axme.`, which agents may not
 * use, and a human's decision acts on the intent here, in the resolving transaction, instead
 * of waking an agent to read it: raise the budget and resume, retry, fork, or fail.
 */
import type { Queryable } from '../db/types.ts';
import type { Intent } from '../core/model.ts';
import type { Approval } from '../store/approvals.ts';
import type { Change } from '../store/events.ts';

/** Types under this prefix are the engine's; requestApproval refuses them. */
export const ENGINE_APPROVAL_PREFIX = 'axme.';

export const isEngineApprovalType = (type: string): boolean => type.startsWith(ENGINE_APPROVAL_PREFIX);

export interface Decision {
  outcome: string;
  comment: string | null;
  data: unknown;
  by: string;
}

/**
 * Acts on a human's decision for one engine approval, under the intent's row lock, the
 * approval already marked RESOLVED. `cur` is WAITING on this approval. Returns the changes
 * to announce; throwing rolls the resolution back (a bad `data`, say).
 */
export type EngineDecision = (tx: Queryable, cur: Intent, approval: Approval, decision: Decision, now: Date) => Promise<Change[]>;
