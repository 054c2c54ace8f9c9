/**
 * The per-event bound on a subscription result (AXME_SUBSCRIPTION_MAX_EVENT_BYTES).
 * A result over it is replaced by a PAYLOAD_TOO_LARGE error that names the event
 * (its cursor, intent and seq), and the stream goes on: the subscriber learns
 * exactly what it did not get and can read that intent with a query, or select
 * less. Shared results (plugins/shared-events.ts) are measured and replaced once,
 * however many subscribers they go to, and a result that is surely over the limit
 * (graphql/json-size.ts) is replaced without being serialised at all: subscribers
 * that defeat sharing (each with its own variables) cost a look-up each, not
 * megabytes of JSON.
 */
import { type ExecutionResult, GraphQLError } from 'graphql';
import { encodeCursor } from '../store/stream.ts';
import { jsonBytesAtLeast } from './json-size.ts';
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
/** results whose lower bound was within the limit: later subscribers of a shared one skip the walk */
const judged = new WeakSet<object>();

/** The result's size as JSON, serialized once per shared result (and not kept). */
export function resultBytes(result: ExecutionResult): number {
  let bytes = sizes.get(key(result));
  if (bytes === undefined) sizes.set(key(result), (bytes = Buffer.byteLength(resultJson(result))));
  return bytes;
}

/**
 * The subscription event's result to send, judged before it is serialised: its
 * replacement when it was replaced before, or is surely over `limit`; else itself,
 * for the caller to check exactly once serialised.
 */
export function withinLimit(result: ExecutionResult, limit: number): ExecutionResult {
  // replaced first: one judged within by its bound may have been found over once serialised
  const known = replacements.get(key(result));
  if (known) return known;
  if (judged.has(key(result))) return result;
  const least = jsonBytesAtLeast(result);
  if (least > limit) return replaceOversize(result, least, limit);
  judged.add(key(result));
  return result;
}

/** The PAYLOAD_TOO_LARGE error that goes out instead of a result of at least `bytes`, over `limit`. */
export function replaceOversize(result: ExecutionResult, bytes: number, limit: number): ExecutionResult {
  const known = replacements.get(key(result));
  if (known) return known;
  const error = new GraphQLError(
    `this event's result is at least ${bytes} bytes, over the ${limit} one subscription event may take (AXME_SUBSCRIPTION_MAX_EVENT_BYTES); select less, or read the intent with a query`,
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
