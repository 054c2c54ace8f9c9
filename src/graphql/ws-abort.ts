/**
 * What ends an operation's wait over graphql-ws (the signal in its context): for a
 * subscription, the socket closing; for a query or mutation, also the client's `complete`
 * for it. graphql-ws ends only subscriptions on a `complete`, so a long poll or a held
 * submit would otherwise go on, and lease work to a worker that stopped asking, until its
 * wait ran out. Over HTTP, aborting the request closes its connection, which does the same.
 */
import type { WebSocket } from 'ws';

const COMPLETE = Buffer.from('"complete"');
/** A `complete` message is ~60 bytes; longer messages are never read here (graphql-ws reads them). */
const MAX_COMPLETE_BYTES = 1024;

/** One AbortController per socket, aborted when it closes (a listener per subscribe would pile up). */
const sockets = new WeakMap<object, AbortController>();

interface Running {
  ac: AbortController;
  /** The subscribe message's payload: graphql-ws hands the same object to onComplete and onError. */
  payload: object;
  /** Takes its listener off the socket's signal. */
  detach: () => void;
}
/** The running queries' and mutations' controllers of a socket, by operation id. */
const running = new WeakMap<object, Map<string, Running>>();

export function socketAbort(socket: { once(event: 'close', fn: () => void): unknown }): AbortController {
  let ac = sockets.get(socket);
  if (!ac) {
    const created = new AbortController();
    socket.once('close', () => created.abort());
    sockets.set(socket, (ac = created));
  }
  return ac;
}

/** Reads the socket's `complete` messages for operations that are running; call once per socket. */
export function watchCompletes(socket: WebSocket): void {
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    // it runs in the socket's data event: nothing a client sends may throw from here
    try {
      const ops = running.get(socket);
      // a socket with no query or mutation running (subscriptions only) costs nothing here
      if (!ops?.size || !Buffer.isBuffer(data) || data.length > MAX_COMPLETE_BYTES || data.indexOf(COMPLETE) < 0) return;
      const message = JSON.parse(data.toString('utf8')) as { type?: unknown; id?: unknown } | null;
      if (message?.type !== 'complete' || typeof message.id !== 'string') return;
      const op = ops.get(message.id);
      if (!op) return;
      ops.delete(message.id);
      op.detach();
      op.ac.abort(new Error('the client completed the operation'));
    } catch {
      // not JSON: graphql-ws closes the socket for it
    }
  });
}

/**
 * The signal of the query or mutation `id` on `socket` (its subscribe `payload`): aborted by
 * the client's `complete` for it or the socket closing. End it with operationEnded.
 */
export function operationStarted(socket: WebSocket, id: string, payload: object): AbortSignal {
  let ops = running.get(socket);
  if (!ops) running.set(socket, (ops = new Map()));
  const ac = new AbortController();
  const closing = socketAbort(socket).signal;
  let detach = () => {};
  if (closing.aborted) ac.abort(closing.reason);
  else {
    const onClose = () => ac.abort(closing.reason);
    closing.addEventListener('abort', onClose, { once: true });
    detach = () => closing.removeEventListener('abort', onClose);
  }
  ops.set(id, { ac, payload, detach });
  return ac.signal;
}

/** Whether `id` is a query or mutation still running on `socket`: one result, then its complete. */
export function isRunningOperation(socket: WebSocket, id: string, payload: object): boolean {
  return running.get(socket)?.get(id)?.payload === payload;
}

/** Forgets the operation of `payload` under `id` once it has answered or failed (a later one may reuse the id). */
export function operationEnded(socket: WebSocket, id: string, payload: object): void {
  const ops = running.get(socket);
  const op = ops?.get(id);
  if (!op || op.payload !== payload) return;
  ops!.delete(id);
  // nothing waits on its signal any more: no abort (an Error and its stack per operation), only the listener goes
  op.detach();
}
