/**
 * What ends an operation's wait over graphql-ws (the signal in its context): for a
 * subscription, the socket closing; for a query or mutation, also the client's `complete`
 * for it. graphql-ws ends only subscriptions on a `complete`, so a long poll or a held
 * submit would otherwise go on, and lease work to a worker that stopped asking, until its
 * wait ran out. Over HTTP, aborting the request closes its connection, which does the same.
 */
import type { WebSocket } from 'ws';

const COMPLETE = Buffer.from('"complete"');

/** One AbortController per socket, aborted when it closes (a listener per subscribe would pile up). */
const sockets = new WeakMap<object, AbortController>();
/** The running queries' and mutations' controllers of a socket, by operation id. */
const running = new WeakMap<object, Map<string, AbortController>>();

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
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const ops = running.get(socket);
    // a socket with no query or mutation running (subscriptions only) costs nothing here
    if (!ops?.size || isBinary || !Buffer.isBuffer(data) || data.indexOf(COMPLETE) < 0) return;
    let message: { type?: unknown; id?: unknown };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return; // graphql-ws closes the socket for it
    }
    if (message?.type === 'complete') ops.get(String(message.id))?.abort(new Error('the client completed the operation'));
  });
}

/** The signal of a query or mutation `id` on `socket`: aborted by the client's `complete` for it or the socket closing. */
export function operationStarted(socket: WebSocket, id: string): AbortSignal {
  let ops = running.get(socket);
  if (!ops) running.set(socket, (ops = new Map()));
  const ac = new AbortController();
  const closing = socketAbort(socket).signal;
  if (closing.aborted) ac.abort(closing.reason);
  else {
    const onClose = () => ac.abort(closing.reason);
    closing.addEventListener('abort', onClose, { once: true });
    ac.signal.addEventListener('abort', () => closing.removeEventListener('abort', onClose), { once: true });
  }
  ops.set(id, ac);
  return ac.signal;
}

/** Forgets operation `id` once it has answered (or failed). */
export function operationEnded(socket: WebSocket, id: string): void {
  const ac = running.get(socket)?.get(id);
  if (!ac) return;
  running.get(socket)!.delete(id);
  // lets go of its listener on the socket's signal
  ac.abort(new Error('the operation ended'));
}
