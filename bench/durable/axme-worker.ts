// Axme's worker process for the durable run: the worker runtime of @axme/client with a
// handler of 3 run.step calls (each recorded with recordStep before the next starts).
import { createClient } from '../../packages/client/src/index.ts';
import { CountingWebSocket, countingFetch, sent, serveCommands } from './counting.ts';

const axme = createClient({ url: process.env.BENCH_TARGET!, fetch: countingFetch, webSocketImpl: CountingWebSocket });
const worker = axme.worker({ types: ['bench.durable'], concurrency: Number(process.env.BENCH_WORKER_SLOTS ?? 32), agent: 'bench' }, async (run) => {
  const input = run.input as { order: number };
  const a = await run.step('check', () => ({ checked: input.order }));
  const b = await run.step('price', () => ({ priced: a.checked * 2 }));
  return run.step('confirm', () => ({ done: b.priced + 1 }));
});
process.on('SIGTERM', () => void worker.stop().finally(() => process.exit(0)));
process.stdout.write('ready\n');
serveCommands(async (cmd) => {
  if (cmd === 'stats') return sent;
  throw new Error(`unknown command ${cmd}`);
});
