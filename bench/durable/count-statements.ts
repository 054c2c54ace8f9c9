// Preloaded into the Axme server by the durable-run scenario (node --import): counts the
// statements the server sends to PostgreSQL, by their first words, and writes the counts
// to BENCH_STATEMENTS_FILE on SIGUSR2. Measurement only; the server's code is unchanged.
// A statement's key is worked out once per distinct text: the regex replace on every
// statement was 2.4% of the server's busy time, charged to Axme by its own instrument.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const counts: Record<string, number> = {};
const keys = new Map<string, string>();
const keyOf = (text: string): string => {
  let key = keys.get(text);
  if (key === undefined) {
    key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
    // texts built with varying parts would grow the cache without end: it stops growing instead
    if (keys.size < 10_000) keys.set(text, key);
  }
  return key;
};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
  const key = keyOf(typeof config === 'string' ? config : (config?.text ?? ''));
  counts[key] = (counts[key] ?? 0) + 1;
  return (query as any).call(this, config, ...rest);
} as any;
process.on('SIGUSR2', () => writeFileSync(process.env.BENCH_STATEMENTS_FILE!, JSON.stringify(counts)));
