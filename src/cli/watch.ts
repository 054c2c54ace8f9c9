/**
 * `axme watch`: the event log as it grows (subscription, polling when the server
 * cannot be subscribed to), with a status line that shows live progress on a TTY.
 */
import { type Axme, type Intent, type IntentEvent, NetworkError } from '@axme/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventLine } from './format.ts';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function watchIntent(c: Axme, id: string, o: { json: boolean; pollMs: number }): Promise<Intent | null> {
  const tty = process.stdout.isTTY && !o.json;
  let current = await c.get(id);
  if (!current) return null;
  const stop = new AbortController();
  let frame = 0;
  const statusLine = () => {
    const i = current!;
    const what = i.status === 'RUNNING' ? `running on ${i.lease?.agent ?? '?'}` : i.waitingFor ? `waiting for ${i.waitingFor.toLowerCase()}` : i.status.toLowerCase();
    const progress = i.progress == null ? '' : `  ${JSON.stringify(i.progress)}`;
    const line = `${SPINNER[frame++ % SPINNER.length]} ${what}${progress}`;
    process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns || 100) - 1)}`);
  };
  const print = (e: IntentEvent) => {
    if (tty) process.stdout.write('\r\x1b[K');
    console.log(o.json ? JSON.stringify(e) : eventLine(e));
    if (tty) statusLine();
  };
  const spinner = tty ? setInterval(statusLine, 120) : null;
  // the latest state, with progress, for the status line (best effort)
  if (tty) {
    void (async () => {
      for await (const i of c.changes(id, { signal: stop.signal })) current = i;
    })().catch(() => {});
  }
  let seq = 0;
  try {
    try {
      for await (const e of c.watch(id, { signal: stop.signal, maxConnectFailures: 3 })) {
        print(e);
        seq = e.seq;
        if (TERMINAL.includes(e.status)) break;
      }
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      // no subscription possible (a proxy, an old server): poll from where the stream stopped
      for (;;) {
        for (const e of await c.events(id, seq)) {
          print(e);
          seq = e.seq;
        }
        current = (await c.get(id)) ?? current;
        if (TERMINAL.includes(current.status)) break;
        await sleep(o.pollMs);
      }
    }
  } finally {
    stop.abort();
    if (spinner) clearInterval(spinner);
    if (tty) process.stdout.write('\r\x1b[K');
    // the command is done: do not hold the process open for the shared socket's idle delay
    await c.close();
  }
  return (await c.get(id)) ?? current;
}
