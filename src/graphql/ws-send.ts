/**
 * How graphql-ws' messages leave a socket, made cheap for fan-out, where one event
 * becomes thousands of `next` messages in one tick:
 *
 * - One write per socket per tick: the socket is corked at its first message and
 *   uncorked when the tick's microtasks are done, so a hundred subscriptions on one
 *   socket cost one syscall, not a hundred.
 * - One serialisation per shared result: graphql-ws serialises every message itself.
 *   For a result object shared by many subscribers (plugins/shared-events.ts), onNext
 *   hands graphql-ws a stand-in payload, `{"<mark>":n}`, and send puts the result's
 *   JSON, serialised once, in its place. graphql-ws sends right after onNext returns
 *   (in the same microtask drain), so a stand-in is kept only until the next
 *   macrotask.
 */
import type { Duplex } from 'node:stream';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

const MARK = '\u0000axme-payload';
// graphql-ws writes {"id":…,"type":"next","payload":…}; the id before it is an escaped
// JSON string, so the first occurrence of this is graphql-ws' own
const NEXT = ',"type":"next","payload":';
const STAND_IN = `{${JSON.stringify(MARK)}:`;

const serialised = new WeakMap<ExecutionResult, { n: number; json: string }>();
let pending = new Map<number, string>();
let clearing = false;
let nextN = 0;

/** The payload to give graphql-ws for `result` (its onNext hook). */
export function standIn(result: ExecutionResult): FormattedExecutionResult {
  let s = serialised.get(result);
  if (!s) {
    const { errors, ...rest } = result;
    const payload = errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest;
    serialised.set(result, (s = { n: nextN++, json: JSON.stringify(payload) }));
  }
  pending.set(s.n, s.json);
  if (!clearing) {
    clearing = true;
    setImmediate(() => {
      clearing = false;
      pending = new Map();
    });
  }
  return { [MARK]: s.n } as FormattedExecutionResult;
}

/** Wraps the socket's send: stand-ins replaced by their JSON, and one write per tick. */
export function sendCheaply(ws: WebSocket, raw: Duplex): void {
  const send = ws.send.bind(ws) as (data: unknown, cb?: (err?: Error) => void) => void;
  let corked = false;
  const flush = () => {
    corked = false;
    raw.uncork();
  };
  ws.send = ((data: unknown, cb?: (err?: Error) => void) => {
    if (!corked) {
      corked = true;
      raw.cork();
      process.nextTick(flush);
    }
    send(typeof data === 'string' ? withPayload(data) : data, cb);
  }) as WebSocket['send'];
}

function withPayload(message: string): string {
  const at = message.indexOf(NEXT);
  if (at < 0 || !message.startsWith(STAND_IN, at + NEXT.length)) return message;
  const from = at + NEXT.length + STAND_IN.length;
  const json = pending.get(Number(message.slice(from, message.length - 2)));
  if (json === undefined) throw new Error('a shared payload was sent after its tick');
  return `${message.slice(0, at + NEXT.length)}${json}}`;
}
