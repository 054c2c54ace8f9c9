/**
 * The per-event bound on a subscription result (AXME_SUBSCRIPTION_MAX_EVENT_BYTES).
 * A result over it is replaced by a PAYLOAD_TOO_LARGE error that names the event
 * (its cursor, intent and seq), and the stream goes on: the subscriber learns
 * exactly what it did not get and can read that intent with a query, or select
 * less. Shared results (plugins/shared-events.ts) are measured and replaced once,
 * however many subscribers they go to.
 */
import { type ExecutionResult, GraphQLError } from 'graphql';
import { encodeCursor } from '../store/stream.ts';
import { sourceEventOf } from './plugins/shared-events.ts';

/** The JSON a result goes out as (graphql-ws' payload; SSE's data is the same text). */
export function resultJson(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

// keyed by the result's data: error masking copies a result but keeps its data
const key = (result: ExecutionResult): object => result.data ?? result;
const sizes = new WeakMap<object, number>();
const replacements = new WeakMap<object, ExecutionResult>();

/** The result's size as JSON, serialized once per shared result (and not kept). */
export function resultBytes(result: ExecutionResult): number {
  let bytes = sizes.get(key(result));
  if (bytes === undefined) sizes.set(key(result), (bytes = Buffer.byteLength(resultJson(result))));
  return bytes;
}

/** The error that already replaced this (shared) result, if it was over the limit. */
export function replacementOf(result: ExecutionResult): ExecutionResult | undefined {
  return replacements.get(key(result));
}

/** The PAYLOAD_TOO_LARGE error that goes out instead of a result of `bytes` over `limit`. */
export function replaceOversize(result: ExecutionResult, bytes: number, limit: number): ExecutionResult {
  const known = replacements.get(key(result));
  if (known) return known;
  const error = new GraphQLError(
    `this event's result is ${bytes} bytes, over the ${limit} one subscription event may take (AXME_SUBSCRIPTION_MAX_EVENT_BYTES); select less, or read the intent with a query`,
    { extensions: { code: 'PAYLOAD_TOO_LARGE', reason: 'EVENT_TOO_LARGE', bytes, limit, ...whichEvent(sourceEventOf(result)) } },
  );
  const replacement: ExecutionResult = { data: null, errors: [error] };
  replacements.set(key(result), replacement);
  return replacement;
}

/** What names the event: an intentEvents event by its cursor, an intentChanged state by its intent. */
function whichEvent(event: unknown): Record<string, unknown> {
  const e = event as { tx?: unknown; id?: unknown; intentId?: unknown; seq?: unknown } | undefined;
  if (typeof e?.tx === 'string' && typeof e.id === 'string') {
    return { cursor: encodeCursor({ tx: e.tx, id: e.id }), intentId: e.intentId, seq: e.seq };
  }
  return typeof e?.id === 'string' ? { intentId: e.id } : {};
}
