/**
 * LLM usage read back (issue 19 part 1): an intent's running total, its family's, and
 * rollups by type, model and day over a bounded window.
 */
import type { Caller } from '../core/caller.ts';
import { badInput } from '../core/errors.ts';
import type { UsageTotals } from '../core/usage.ts';
import * as v from '../core/validate.ts';
import * as store from '../store/usage.ts';
import { Service } from './deps.ts';

/** The widest window a rollup may cover, and its default. */
export const MAX_USAGE_DAYS = 366;
const DEFAULT_USAGE_DAYS = 30;
/** The most groups one rollup answers. */
export const MAX_USAGE_GROUPS = 1000;

export interface UsageFilter {
  type?: string | null;
  model?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export class UsageService extends Service {
  /** Own running totals of several intents (zeros for those without usage), for the loader. */
  async totals(c: Caller, ids: readonly string[]): Promise<Map<string, UsageTotals>> {
    return store.totalsOf(this.db, c.namespace, ids);
  }

  /** An intent's usage with all its descendants'. */
  async family(c: Caller, id: string): Promise<UsageTotals> {
    return store.familyTotals(this.db, c.namespace, id);
  }

  /** Sums over [from, to) (default: the last 30 days; at most 366), grouped as asked. */
  async rollup(c: Caller, f: UsageFilter, groupBy: readonly store.UsageGroup[], first: number | null | undefined): Promise<store.UsageBucket[]> {
    const to = v.date('to', f.to) ?? this.clock.now();
    // the default window starts no earlier than the earliest date PostgreSQL stores (a `to` in year 1)
    const from = v.date('from', f.from) ?? new Date(Math.max(v.MIN_DATE, to.getTime() - DEFAULT_USAGE_DAYS * 86_400_000));
    if (from >= to) throw badInput('from must be before to', { field: 'from' });
    if (to.getTime() - from.getTime() > MAX_USAGE_DAYS * 86_400_000) {
      throw badInput(`from and to may be at most ${MAX_USAGE_DAYS} days apart`, { field: 'from' });
    }
    const limit = v.intInRange('first', first, MAX_USAGE_GROUPS, 1, MAX_USAGE_GROUPS);
    return store.rollup(this.db, c.namespace, {
      from, to, limit,
      type: f.type == null ? null : v.name('filter.type', f.type),
      model: v.text('filter.model', f.model, 200),
      groupBy: [...new Set(groupBy)],
    });
  }
}
