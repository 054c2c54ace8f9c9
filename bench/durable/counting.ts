// Counts what a process sends: HTTP requests by GraphQL operation, and WebSockets opened.
// Round trips per run are read from these counters, on the client and worker side.
import { defaultSender, type SendRequest } from '../../packages/client/src/index.ts';

/** HTTP requests, sockets opened, operations sent over a socket, and both kinds of operation by name. */
export const sent = { requests: 0, sockets: 0, overSocket: 0, byOperation: {} as Record<string, number> };

const send = defaultSender();

/** The client's own default sender (node:http), counting each request by its operation. */
export const countingSend: SendRequest = (url, init) => {
  sent.requests++;
  let query = '';
  try {
    query = String(JSON.parse(init.body).query ?? '');
  } catch {}
  count(query);
  return send(url, init);
};

/** Counts an operation by its name (or its first field). */
function count(query: string): void {
  const op = /^\s*(?:(?:mutation|query|subscription)\s+(\w+))?[^{]*\{\s*(\w+)/.exec(query);
  const name = op ? (op[1] ?? op[2]!) : 'other';
  sent.byOperation[name] = (sent.byOperation[name] ?? 0) + 1;
}

/** Counts sockets opened, and each operation sent over one (a graphql-ws `subscribe`) as a request of its name. */
export class CountingWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sent.sockets++;
  }

  override send(data: Parameters<WebSocket["send"]>[0]): void {
    if (typeof data === 'string' && data.includes('"subscribe"')) {
      const m = JSON.parse(data) as { type?: string; payload?: { query?: string } };
      if (m.type === 'subscribe' && !/^\s*subscription\b/.test(m.payload?.query ?? '')) {
        sent.overSocket++;
        count(m.payload?.query ?? '');
      }
    }
    super.send(data);
  }
}

/** Reads commands from stdin, one a line, and writes each answer as one JSON line. */
export function serveCommands(handle: (cmd: string, args: string[]) => Promise<unknown>): void {
  let buf = '';
  let queue = Promise.resolve();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [cmd, ...args] = buf.slice(0, nl).trim().split(/\s+/);
      buf = buf.slice(nl + 1);
      queue = queue.then(async () => {
        try {
          process.stdout.write(`${JSON.stringify({ ok: await handle(cmd!, args) })}\n`);
        } catch (err) {
          process.stdout.write(`${JSON.stringify({ error: (err as Error).stack ?? String(err) })}\n`);
        }
      });
    }
  });
  process.stdin.on('end', () => void queue.then(() => process.exit(0)));
}

/** Wall-clock ms with sub-ms precision, comparable across processes of one machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

/** Timestamps of each run by intent id, handed over (and forgotten) by the stats command. */
export const timeline = new Map<string, Record<string, number>>();
export function mark(id: string, what: string): void {
  let t = timeline.get(id);
  if (!t) timeline.set(id, (t = {}));
  t[what] = wallMs();
}
export function takeTimeline(): Record<string, Record<string, number>> {
  const out = Object.fromEntries(timeline);
  timeline.clear();
  return out;
}
