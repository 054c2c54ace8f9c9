/**
 * `axme stream <id> <name>`: an intent's output stream as text on stdout (each page
 * as a JSON line with --json), from --from; with --follow, live until the stream
 * ends, resuming by itself after disconnects.
 */
import type { Axme, StreamPage } from '@axme/client';

export async function printStream(c: Axme, id: string, name: string, o: { from: number; follow: boolean; json: boolean }): Promise<StreamPage | null> {
  const out = (p: StreamPage) => {
    if (o.json) console.log(JSON.stringify(p));
    else process.stdout.write(p.chunks.join(''));
  };
  let last: StreamPage | null = null;
  if (o.follow) {
    for await (const p of c.stream(id, name, { from: o.from })) {
      out(p);
      last = p;
    }
    return last ?? (await c.readStream(id, name, { from: o.from }));
  }
  for (let from = o.from; ; ) {
    const p = await c.readStream(id, name, { from });
    if (p.chunks.length > 0 || o.json) out(p);
    last = p;
    if (p.chunks.length === 0 || p.next >= p.length) return last;
    from = p.next;
  }
}
