/**
 * Planner statistics for tables that grow faster than autovacuum looks at them. A
 * server keeps its statements prepared, and PostgreSQL plans a prepared statement once
 * for good after five runs (a generic plan) with the statistics of that moment. A new
 * table has none, so each namespace looks like 0.5% of it and a plan may reach an intent
 * by id through an index that starts with the namespace; a plan made for a table of 30
 * rows may scan it whole. Autovacuum analyzes a table within a minute of 10% changing,
 * long enough for a busy new deployment to read every intent per statement meanwhile.
 * Analyzing a table each time its rows double bounds how far it can outgrow its plans,
 * at one analyze per doubling (log₂ of its size, in all).
 */
import type { Queryable } from '../db/types.ts';

export interface GrownTable {
  /** Schema-qualified and quoted, ready for a statement. */
  name: string;
  rows: number;
}

// n_live_tup follows inserts and deletes as backends report them (about every second);
// reltuples is the count the last analyze or vacuum left (-1: never). Only tables this role
// may analyze (it owns them): analyze skips others with a warning, which would come every sweep.
const GROWN = `
  select quote_ident(s.schemaname) || '.' || quote_ident(s.relname) as name, s.n_live_tup::float8 as rows
  from pg_stat_user_tables s join pg_class c on c.oid = s.relid
  where s.schemaname = current_schema() and s.n_live_tup >= greatest($1::float8, 2 * c.reltuples)
    and pg_has_role(c.relowner, 'USAGE')
  order by s.relname`;

/** The tables of the current schema that have `minRows` rows and twice as many as at their last analyze. */
export async function grownTables(q: Queryable, minRows: number): Promise<GrownTable[]> {
  const { rows } = await q.query<{ name: string; rows: number }>(GROWN, [minRows]);
  return rows.map((r) => ({ name: r.name, rows: Number(r.rows) }));
}

/** Analyzes one table (a GrownTable's name); skip_locked: another instance analyzing it already does the work. */
export async function analyzeTable(q: Queryable, name: string): Promise<void> {
  await q.exec(`analyze (skip_locked) ${name}`);
}
