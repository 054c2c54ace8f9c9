// Axme's worker process for the durable run: the worker runtime of @axme/client with a
// handler of 3 run.step calls (each recorded with recordStep before the next starts; the
// last one, which the handler returns, with the completion: BENCH_AXME_LAST_STEP=0 turns that off).
import { createClient } from '../../packages/client/src/index.ts';
import { CountingWebSocket, countingSend, mark, sent, serveCommands, takeTimeline } from './counting.ts';

const axme = createClient({ url: process.env.BENCH_TARGET!, send: countingSend, webSocketImpl: CountingWebSocket });
const worker = axme.worker({ types: ['bench.durable'], concurrency: Number(process.env.BENCH_WORKER_SLOTS ?? 32), agent: 'bench' }, async (run) => {
  const input = run.input as { order: number };
  const id = run.intent.id;
  mark(id, 'handlerStart');
  const a = await run.step('check', () => ({ checked: input.order }));
  mark(id, 'step1');
  const b = await run.step('price', () => ({ priced: a.checked * 2 }));
  mark(id, 'step2');
  const c = await run.step('confirm', () => ({ done: b.priced + 1 }), { last: process.env.BENCH_AXME_LAST_STEP !== '0' });
  mark(id, 'handlerEnd');
  return c;
});
process.on('SIGTERM', () => void worker.stop().finally(() => process.exit(0)));
process.stdout.write('ready\n');
serveCommands(async (cmd) => {
  if (cmd === 'stats') return { ...sent, timeline: takeTimeline() };
  throw new Error(`unknown command ${cmd}`);
});
