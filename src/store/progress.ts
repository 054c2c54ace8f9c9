import type { Queryable } from '../db/types.ts';
import { TRANSITIONS } from '../core/lifecycle.ts';
import { LEASED, whyNot } from './intents.ts';
import type { Intent } from '../core/model.ts';
import { json, lean, toLeanIntent } from './rows.ts';

/**
 * Live progress replaces one value on the intent and writes no event: a token
 * stream must not grow the log. Only the live lease may report. It answers the intent
 * with the progress it wrote and no other payload (model.ts): a report as often as
 * tokens arrive must not have PostgreSQL render, and the server parse, the run's input
 * and checkpoint each time.
 */
const PROGRESS_LEAN = lean(['progress']);
const REPORT_PROGRESS = `
  update intents set progress = $6::jsonb
  where ${LEASED}
  returning ${PROGRESS_LEAN.columns()}`;

export async function reportProgress(
  q: Queryable, ns: string, id: string, token: string, progress: unknown, now: Date,
): Promise<Intent> {
  const { rows } = await q.query(REPORT_PROGRESS, [ns, id, TRANSITIONS.reportProgress.from, token, now, json(progress)]);
  if (rows[0]) return toLeanIntent(rows[0], PROGRESS_LEAN);
  throw await whyNot(q, ns, id, 'reportProgress', token, now);
}
