/**
 * Keeps the planner's statistics up with tables that double in size (store/statistics.ts),
 * on PostgreSQL; PGlite plans each statement with its values, so its plans follow the
 * tables without this. Registered last: an analyze of a large table delays only itself.
 */
import type { Logger } from '../core/log.ts';
import type { Db } from '../db/types.ts';
import { analyzeTable, grownTables } from '../store/statistics.ts';
import type { Sweeper } from './sweeper.ts';

/** Rows a table has before it is first analyzed here: below it, any plan reads little. */
export const ANALYZE_FROM_ROWS = 100;

export function registerStatisticsSweep(sweeper: Sweeper, d: { db: Db; log: Logger }): void {
  if (d.db.kind !== 'postgres') return;
  // a table whose analyze failed (a statement timeout, say) is tried again once it doubles
  // from there, not every sweep, and does not hold back the tables after it
  const failedAt = new Map<string, number>();
  sweeper.register('statistics', async () => {
    for (const t of await grownTables(d.db, ANALYZE_FROM_ROWS)) {
      if (t.rows < 2 * (failedAt.get(t.name) ?? 0)) continue;
      try {
        await analyzeTable(d.db, t.name);
        failedAt.delete(t.name);
      } catch (err) {
        failedAt.set(t.name, t.rows);
        d.log.warn({ err, table: t.name }, 'analyze failed; tried again once the table doubles');
      }
    }
    // tables, not rows changed: never a reason to run again before the next interval
    return 0;
  });
}
