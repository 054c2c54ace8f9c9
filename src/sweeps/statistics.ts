/**
 * Keeps the planner's statistics up with tables that double in size (store/statistics.ts),
 * on PostgreSQL; PGlite plans each statement with its values, so its plans follow the
 * tables without this.
 */
import type { Db } from '../db/types.ts';
import { analyzeGrownTables } from '../store/statistics.ts';
import type { Sweeper } from './sweeper.ts';

/** Rows a table has before it is first analyzed here: below it, any plan reads little. */
export const ANALYZE_FROM_ROWS = 100;

export function registerStatisticsSweep(sweeper: Sweeper, d: { db: Db }): void {
  if (d.db.kind !== 'postgres') return;
  sweeper.register('statistics', async () => {
    await analyzeGrownTables(d.db, ANALYZE_FROM_ROWS);
    // tables, not rows changed: never a reason to run again before the next interval
    return 0;
  });
}
