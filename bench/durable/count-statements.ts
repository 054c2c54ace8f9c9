// Preloaded into the Axme server by the durable-run scenario (node --import): counts the
// statements the server sends to PostgreSQL, by their first words, and writes the counts
// to BENCH_STATEMENTS_FILE on SIGUSR2. Measurement only; the server's code is unchanged.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const counts: Record<string, number> = {};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
  const text: string = typeof config === 'string' ? config : (config?.text ?? '');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
  counts[key] = (counts[key] ?? 0) + 1;
  return (query as any).call(this, config, ...rest);
} as any;
process.on('SIGUSR2', () => writeFileSync(process.env.BENCH_STATEMENTS_FILE!, JSON.stringify(counts)));
