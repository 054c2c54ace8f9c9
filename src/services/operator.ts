/**
 * Operator controls: pause and resume claiming per type, per-type retry defaults,
 * and bulk redrive / cancel by filter, each batch committed (and announced) on its own.
 */
import { badInput } from '../core/errors.ts';
import { type Status, TRANSITIONS } from '../core/lifecycle.ts';
import { channels } from '../pubsub/types.ts';
import type { Caller } from '../core/caller.ts';
import { Service } from './deps.ts';
import type { Change } from '../store/events.ts';
import * as store from '../store/recovery.ts';
import * as v from '../core/validate.ts';
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

export class OperatorService extends Service {
  /** Pausing a type no intent has yet is allowed: operators pause ahead of a deploy. */
  pauseType(c: Caller, type: string, reason: string | null | undefined) {
    return store.pauseType(this.db, c.namespace, v.name('type', type), v.text('reason', reason, 2000), c.principal, this.clock.now());
  }

  async resumeType(c: Caller, type: string): Promise<boolean> {
    const t = v.name('type', type);
    const was = await store.resumeType(this.db, c.namespace, t);
    if (was) this.pubsub.publish(channels.work(c.namespace), t);
    return was;
  }

  pausedTypes(c: Caller) {
    return store.pausedTypes(this.db, c.namespace);
  }

  typePolicy(c: Caller, type: string) {
    return store.getTypePolicy(this.db, c.namespace, v.name('type', type));
  }

  /** Replaces the type's defaults (maxAttempts applies at submit, retry at each failure); giving neither removes them. */
  setTypePolicy(c: Caller, a: { type: string; maxAttempts?: number | null; retry?: RetryPolicyInput | null }) {
    const type = v.name('type', a.type);
    const maxAttempts = a.maxAttempts == null ? null : v.intInRange('maxAttempts', a.maxAttempts, 0, 1, 100);
    const retry = validateRetryPolicy('retry', a.retry);
    return store.setTypePolicy(this.db, c.namespace, type, maxAttempts, retry, this.clock.now());
  }

  /** Puts every FAILED (or, if asked, CANCELLED) intent matching the filter back to PENDING; returns how many. */
  redrive(c: Caller, f: BulkFilterInput): Promise<number> {
    const filter = this.filter(f, TRANSITIONS.retry.from, ['FAILED']);
    return this.inBatches((now) => this.commit.statement(async (q) => {
      const changes = await store.redriveBatch(q, c.namespace, filter, c.principal, now, BULK_BATCH);
      return { changes, more: changes.length === BULK_BATCH };
    }));
  }

  /** Cancels every unfinished intent matching the filter as cancelIntent would; running agents get CONFLICT on their next call. */
  cancel(c: Caller, f: BulkFilterInput, reason: string | null | undefined): Promise<number> {
    const why = v.text('reason', reason, 2000);
    const filter = this.filter(f, TRANSITIONS.cancel.from, TRANSITIONS.cancel.from);
    return this.inBatches((now) => this.commit((tx) => store.cancelBatch(tx, c.namespace, filter, why, c.principal, now, BULK_BATCH)));
  }

  /** Runs committed batches until one says there is no more; returns how many intents changed. */
  private async inBatches(batch: (now: Date) => Promise<{ changes: readonly Change[]; more: boolean }>): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes, more } = await batch(this.clock.now());
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
