import type { Queryable } from '../db/types.ts';
import { TRANSITIONS } from '../core/lifecycle.ts';
import { whyNot } from './intents.ts';
import type { Intent } from '../core/model.ts';
import { json, toIntent } from './rows.ts';

/**
 * Live progress replaces one value on the intent and writes no event: a token
 * stream must not grow the log. Only the live lease may report.
 */
const REPORT_PROGRESS = `
  update intents set progress = $6::jsonb
  where namespace = $1 and id = $2 and status = any($3::text[]) and lease_token = $4 and lease_expires_at > $5
  returning *`;

export async function reportProgress(
  q: Queryable, ns: string, id: string, token: string, progress: unknown, now: Date,
): Promise<Intent> {
  const { rows } = await q.query(REPORT_PROGRESS, [ns, id, TRANSITIONS.reportProgress.from, token, now, json(progress)]);
  if (rows[0]) return toIntent(rows[0]);
  throw await whyNot(q, ns, id, 'reportProgress', token, now);
}
