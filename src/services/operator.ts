/**
 * Operator controls: pause and resume claiming per type, per-type retry defaults,
 * and bulk redrive / cancel by filter. Uses the IntentService's database, clock and
 * notifications so resolvers need nothing new in their context.
 */
import { badInput } from '../core/errors.ts';
import { type Status, TRANSITIONS } from '../core/lifecycle.ts';
import { channels } from '../pubsub/types.ts';
import type { Caller } from '../core/caller.ts';
import { type IntentService, perService } from './intents.ts';
import type { Change } from '../store/events.ts';
import * as store from '../store/recovery.ts';
import * as v from '../core/validate.ts';
import { announceChanges } from './announce.ts';
import type { RetryPolicyInput } from './scheduling.ts';
import { validateRetryPolicy } from '../core/retry-policy.ts';

export interface BulkFilterInput {
  types?: readonly string[] | null;
  labels?: readonly string[] | null;
  parentId?: string | null;
  statuses?: readonly Status[] | null;
  errorCode?: string | null;
}

/** Rows per bulk statement: each batch commits on its own, so one call never holds thousands of row locks. */
const BULK_BATCH = 500;

export class OperatorService {
  private readonly s: IntentService;

  constructor(s: IntentService) {
    this.s = s;
  }

  /** Pausing a type no intent has yet is allowed: operators pause ahead of a deploy. */
  pauseType(c: Caller, type: string, reason: string | null | undefined) {
    return store.pauseType(this.s.db, c.namespace, v.name('type', type), v.text('reason', reason, 2000), c.principal, this.s.clock.now());
  }

  async resumeType(c: Caller, type: string): Promise<boolean> {
    const t = v.name('type', type);
    const was = await store.resumeType(this.s.db, c.namespace, t);
    if (was) this.s.pubsub.publish(channels.work(c.namespace), t);
    return was;
  }

  pausedTypes(c: Caller) {
    return store.pausedTypes(this.s.db, c.namespace);
  }

  typePolicy(c: Caller, type: string) {
    return store.getTypePolicy(this.s.db, c.namespace, v.name('type', type));
  }

  /** Replaces the type's defaults (maxAttempts applies at submit, retry at each failure); giving neither removes them. */
  setTypePolicy(c: Caller, a: { type: string; maxAttempts?: number | null; retry?: RetryPolicyInput | null }) {
    const type = v.name('type', a.type);
    const maxAttempts = a.maxAttempts == null ? null : v.intInRange('maxAttempts', a.maxAttempts, 0, 1, 100);
    const retry = validateRetryPolicy('retry', a.retry);
    return store.setTypePolicy(this.s.db, c.namespace, type, maxAttempts, retry, this.s.clock.now());
  }

  /** Puts every FAILED (or, if asked, CANCELLED) intent matching the filter back to PENDING; returns how many. */
  redrive(c: Caller, f: BulkFilterInput): Promise<number> {
    const filter = this.filter(f, TRANSITIONS.retry.from, ['FAILED']);
    return this.inBatches(async (now) => {
      const changes = await store.redriveBatch(this.s.db, c.namespace, filter, c.principal, now, BULK_BATCH);
      return { changes, more: changes.length === BULK_BATCH };
    });
  }

  /** Cancels every unfinished intent matching the filter as cancelIntent would; running agents get CONFLICT on their next call. */
  cancel(c: Caller, f: BulkFilterInput, reason: string | null | undefined): Promise<number> {
    const why = v.text('reason', reason, 2000);
    const filter = this.filter(f, TRANSITIONS.cancel.from, TRANSITIONS.cancel.from);
    return this.inBatches((now) => store.cancelBatch(this.s.db, c.namespace, filter, why, c.principal, now, BULK_BATCH));
  }

  private async inBatches(batch: (now: Date) => Promise<{ changes: Change[]; more: boolean }>): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes, more } = await batch(this.s.clock.now());
      announceChanges(this.s.pubsub, changes);
      total += changes.length;
      if (!more) return total;
    }
  }

  private filter(f: BulkFilterInput, allowed: readonly Status[], def: readonly Status[]): store.BulkFilter {
    const types = f.types?.length ? v.nonEmptyNames('filter.type', f.types) : null;
    const labels = f.labels?.length ? v.labels(f.labels) : null;
    const parentId = v.optionalId('filter.parentId', f.parentId);
    const errorCode = v.text('filter.errorCode', f.errorCode, 200);
    if (!types && !labels && !parentId && !errorCode) {
      throw badInput('name at least one of filter.type, filter.label, filter.parentId or filter.errorCode', { field: 'filter' });
    }
    const statuses = f.statuses?.length ? [...new Set(f.statuses)] : [...def];
    const wrong = statuses.filter((s) => !allowed.includes(s));
    if (wrong.length) throw badInput(`filter.status may only name ${allowed.join(', ')}`, { field: 'filter.status', value: wrong });
    return { statuses, types, labels, parentId, errorCode };
  }
}

export const operatorsFor = perService((s) => new OperatorService(s));
