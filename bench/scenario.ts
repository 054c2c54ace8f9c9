// What a scenario is and what it reports: rows of one table, printed and saved as JSON.

export interface Row {
  scenario: string;
  /** What was measured: "Axme (GraphQL/HTTP)", "plain pg ceiling", "pg-boss, batch 20", … */
  subject: string;
  /** null when the scenario could not run (say why in note). */
  value: number | null;
  unit: string;
  /** The comparison that matters, e.g. "31% of ceiling". */
  vs?: string;
  target?: string;
  /** true/false when a target applies, null when it could not be judged. */
  met?: boolean | null;
  note?: string;
}

export interface Context {
  /** Figures earlier scenarios of this run leave for later ones (the embedded scenario compares with Postgres). */
  figures: Map<string, number>;
  /** Write CPU profiles of the Axme server here (--cpu-prof), or null. */
  cpuProfDir: string | null;
}

export interface Scenario {
  name: string;
  title: string;
  run(ctx: Context): Promise<Row[]>;
}

export const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
