/**
 * What to tell a person when the server refuses an action: a sentence for the stable
 * code (someone decided first, the key may not, slow down), then the server's own
 * message and the code, so nothing it said is lost.
 */
import { ApiError } from './http.ts';

export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return (e as Error)?.message ?? String(e);
  const d = e.details;
  let lead: string | null = null;
  if (e.code === 'CONFLICT' && d.status === 'RESOLVED') {
    lead = `Someone decided first: “${String(d.outcome)}”${d.resolvedBy ? ` by ${String(d.resolvedBy)}` : ''}.`;
  } else if (e.code === 'CONFLICT' && (d.status === 'TIMED_OUT' || d.status === 'ESCALATED' || d.status === 'CANCELLED')) {
    lead = `Too late: the approval was ${String(d.status).toLowerCase().replace('_', ' ')} before your decision arrived.`;
  } else if (e.code === 'CONFLICT' && d.reason === 'NOT_WAITING_FOR_APPROVAL') {
    lead = 'The intent no longer waits for this approval.';
  } else if (e.code === 'FORBIDDEN') {
    lead = 'Your API key may not do this.';
  } else if (e.code === 'RATE_LIMITED') {
    lead = `Too many requests; try again in ${String(d.retryAfterSeconds ?? 1)}s.`;
  }
  const said = `${e.message} (${e.code})`;
  return lead ? `${lead} ${said}` : said;
}

/** The key prompt already asks for a key: views need not repeat UNAUTHENTICATED. */
export const asksForKey = (e: unknown): boolean => e instanceof ApiError && e.code === 'UNAUTHENTICATED';
