/**
 * Forking a run (issue 19 part 3): a new intent that reuses the original's recorded step
 * results up to a chosen step and runs that step and the ones after it fresh, with the
 * original's input, a replacement, or the input with a merge patch (RFC 7386) applied.
 */
import { type BudgetInput, validateBudget } from '../core/budget.ts';
import type { Caller } from '../core/caller.ts';
import { badInput, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { mergePatch } from '../core/merge-patch.ts';
import type { Intent } from '../core/model.ts';
import * as v from '../core/validate.ts';
import { forkIntent, forksOfMany } from '../store/forks.ts';
import { getIntent } from '../store/intents.ts';
import { Service } from './deps.ts';

export interface ForkInput {
  id: string;
  /** Run this step (its first record) and everything after it fresh; copy the results before it. */
  fromStep?: string | null;
  /** The same, naming the step record by its seq. */
  fromSeq?: number | null;
  /** Replaces the original's input. */
  input?: unknown;
  /** Merged into the original's input (RFC 7386: null removes a member). */
  inputPatch?: unknown;
  labels?: readonly string[] | null;
  type?: string | null;
  idempotencyKey?: string | null;
  /** The fork's own budget (neither limit: none); absent: the original's own budget's limits, spent from zero. */
  budget?: BudgetInput | null;
}

export class ForkService extends Service {
  async fork(c: Caller, a: ForkInput): Promise<Intent> {
    const id = v.id('id', a.id);
    if (a.fromStep != null && a.fromSeq != null) {
      throw badInput('give fromStep or fromSeq, not both', { reason: 'FROM_STEP_AND_SEQ', fields: ['fromStep', 'fromSeq'] });
    }
    if (a.input !== undefined && a.input !== null && a.inputPatch !== undefined && a.inputPatch !== null) {
      throw badInput('give input (a replacement) or inputPatch (a merge patch), not both', { reason: 'INPUT_AND_PATCH', fields: ['input', 'inputPatch'] });
    }
    const fromStep = a.fromStep == null ? null : v.text('fromStep', a.fromStep, 200);
    const fromSeq = a.fromSeq == null ? null : v.intInRange('fromSeq', a.fromSeq, 1, 1, 2 ** 31 - 1);
    const type = a.type == null ? null : v.name('type', a.type);
    const labels = a.labels == null ? null : v.labels(a.labels);
    const idempotencyKey = v.text('idempotencyKey', a.idempotencyKey, 200);
    const budget = a.budget == null ? undefined : validateBudget('budget', a.budget);
    const now = this.clock.now();
    const { intent } = await this.commit(async (tx) => {
      const original = await getIntent(tx, c.namespace, id);
      if (!original) throw notFound('intent', id);
      const raw = a.input != null ? a.input : a.inputPatch != null ? mergePatch(original.input, a.inputPatch) : original.input;
      const input = v.payload('input', raw, this.config.maxPayloadBytes);
      const r = await forkIntent(tx, c.namespace, id, {
        id: uuidv7(now.getTime()), type, input, labels, idempotencyKey, fromStep, fromSeq, budget,
      }, c.principal, now);
      return { intent: r.intent, changes: r.change ? [r.change] : [] };
    });
    return intent;
  }

  /** The first `limit` forks of each intent, oldest first, for the `forks` loader. */
  async ofMany(c: Caller, ids: readonly string[], limit: number): Promise<Map<string, Intent[]>> {
    return forksOfMany(this.db, c.namespace, ids, limit);
  }
}
