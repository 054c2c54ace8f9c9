/**
 * How graphql-ws' messages leave a socket, made cheap for fan-out, where one event
 * becomes thousands of `next` messages in one tick, and counted against the
 * connection's delivery budget (graphql/delivery-budget.ts):
 *
 * - One write per socket per tick: the socket is corked at its first message and
 *   uncorked when the tick's microtasks are done, so a hundred subscriptions on one
 *   socket cost one syscall, not a hundred.
 * - One serialisation per shared result: graphql-ws serialises every message itself.
 *   For a result object shared by many subscribers (plugins/shared-events.ts), onNext
 *   hands graphql-ws a stand-in payload, `{"<mark>":n}`, and send puts the result's
 *   JSON, serialised once, in its place. graphql-ws sends right after onNext returns
 *   (in the same microtask drain), so a stand-in is kept only until the next
 *   macrotask; small results are also remembered for as long as they live, large
 *   ones are not (a queued event would otherwise keep megabytes of JSON alive).
 * - Every result's bytes are held by its connection from onNext until the socket has
 *   written them, then released.
 * - A query's or mutation's one result is taken as sent once it is queued on the socket:
 *   graphql-ws waits for a message's write before it sends the next, so its `complete`
 *   would leave in a second write, and the client (which answers on it) would wake twice.
 *   Taken at once, both leave in the tick's one write. A subscription's results keep
 *   waiting for their writes, which paces a generator to its reader, and so do a query's
 *   on a socket that holds much unsent (ws.ts): a client that stops reading finds its
 *   operations still open, and the limit on them per socket still holds.
 */
import type { Duplex } from 'node:stream';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { ConnectionBudget } from './delivery-budget.ts';
import { resultJson } from './oversize.ts';

const MARK = '\u0000axme-payload';
// graphql-ws writes {"id":…,"type":"next","payload":…}; the id before it is an escaped
// JSON string, so the first occurrence of this is graphql-ws' own
const NEXT = ',"type":"next","payload":';
const STAND_IN = `{${JSON.stringify(MARK)}:`;
/** Results up to this size keep their JSON for as long as they live; larger ones for one tick. */
const KEEP_BYTES = 64 * 1024;

/** A result serialised for sending. */
export interface Serialised {
  n: number;
  json: string;
  bytes: number;
}

/** The stand-in of a delivery that was refused: graphql-ws may not send it, and send drops it if it tries. */
export const DROPPED = { [MARK]: -1 } as FormattedExecutionResult;

const kept = new WeakMap<ExecutionResult, Serialised>();
let thisTick = new Map<ExecutionResult, Serialised>();
/** This tick's stand-ins by n: the result each stands for, and whether it is a query's or mutation's one result. */
let pending = new Map<number, { entry: Serialised; single: boolean }>();
let clearing = false;
let nextN = 0;

/** The JSON made earlier for a shared result (this tick, or for as long as a small one lives), if any. */
export function serialisedBefore(result: ExecutionResult): Serialised | undefined {
  return kept.get(result) ?? thisTick.get(result);
}

/** `result` as JSON: the one made earlier for a shared result, else made now (and kept only if standIn is called). */
export function serialise(result: ExecutionResult): Serialised {
  const known = serialisedBefore(result);
  if (known) return known;
  const json = resultJson(result);
  return { n: nextN++, json, bytes: Buffer.byteLength(json) };
}

/**
 * The payload to give graphql-ws for a result it sends now (its onNext hook); `singleResult`
 * for a query's or mutation's, whose complete follows it in the same write.
 */
export function standIn(result: ExecutionResult, s: Serialised, singleResult = false): FormattedExecutionResult {
  if (s.bytes <= KEEP_BYTES) kept.set(result, s);
  else thisTick.set(result, s);
  pending.set(s.n, { entry: s, single: singleResult });
  if (!clearing) {
    clearing = true;
    setImmediate(() => {
      clearing = false;
      pending = new Map();
      thisTick = new Map();
    });
  }
  return { [MARK]: s.n } as FormattedExecutionResult;
}

/** Wraps the socket's send: stand-ins replaced by their JSON, one write per tick, bytes released once written. */
export function sendCheaply(ws: WebSocket, raw: Duplex, budget: ConnectionBudget): void {
  const send = ws.send.bind(ws) as (data: unknown, cb?: (err?: Error) => void) => void;
  let corked = false;
  const flush = () => {
    corked = false;
    raw.uncork();
  };
  ws.send = ((data: unknown, cb?: (err?: Error) => void) => {
    const s = typeof data === 'string' ? standInOf(data) : null;
    if (s === 'dropped') return void cb?.();
    if (!corked) {
      corked = true;
      raw.cork();
      process.nextTick(flush);
    }
    if (!s) return send(data, cb);
    // the payload is the serialised result; the bytes were counted when onNext admitted it
    send(`${(data as string).slice(0, s.at)}${s.entry.json}}`, (err?: Error) => {
      budget.release(s.entry.bytes);
      if (!s.single) cb?.(err);
    });
    // a write that fails closes the socket, which ends the operation's wait anyway
    if (s.single) queueMicrotask(() => cb?.());
  }) as WebSocket['send'];
}

/** Where a `next` message's stand-in starts, and the result it stands for. */
function standInOf(message: string): { at: number; entry: Serialised; single: boolean } | 'dropped' | null {
  const at = message.indexOf(NEXT);
  if (at < 0 || !message.startsWith(STAND_IN, at + NEXT.length)) return null;
  const n = Number(message.slice(at + NEXT.length + STAND_IN.length, message.length - 2));
  if (n === -1) return 'dropped';
  const p = pending.get(n);
  if (p === undefined) throw new Error('a shared payload was sent after its tick');
  return { at: at + NEXT.length, ...p };
}
