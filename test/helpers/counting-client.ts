/**
 * What a typed client sends, by operation name: requests over HTTP (`send`) and operations
 * over graphql-ws (`impl`, the global WebSocket counting its sockets and subscribe messages,
 * and doing to a subscribe what `onSubscribe` says).
 */
import { defaultSender, type SendRequest } from '@axme/client';

const opName = (query: string) => /^\s*(?:mutation|query|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'other';

/** Operations by name, as they left: over HTTP (`send`) or as graphql-ws subscribe messages (`impl`). */
export function counting(o: { onSubscribe?: (ws: WebSocket, op: string) => 'send' | 'drop' | 'close' | 'close1000' } = {}) {
  const http: string[] = [];
  const socket: string[] = [];
  const sockets = { opened: 0, open: 0 };
  const base = defaultSender();
  const send: SendRequest = (url, init) => {
    http.push(opName(String(JSON.parse(init.body).query)));
    return base(url, init);
  };
  send.close = () => base.close?.();
  class Counting extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.opened++;
      sockets.open++;
      this.addEventListener('close', () => sockets.open--);
    }
    override send(data: Parameters<WebSocket["send"]>[0]): void {
      const m = typeof data === 'string' ? (JSON.parse(data) as { type: string; payload?: { query: string } }) : null;
      if (m?.type === 'subscribe') {
        const op = opName(m.payload!.query);
        socket.push(op);
        const what = o.onSubscribe?.(this, op) ?? 'send';
        if (what === 'drop') return;
        super.send(data);
        if (what === 'close') this.close();
        // a normal closure: graphql-ws would connect again and resend what was in flight
        if (what === 'close1000') this.close(1000, 'bye');
        return;
      }
      super.send(data);
    }
  }
  return { http, socket, sockets, send, impl: Counting };
}

