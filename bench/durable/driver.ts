// The client process of the durable-run scenario: starts runs of one system and waits for
// each result, as that system's users do. Commands on stdin (see counting.ts):
//   seq N          N runs one after another → their latencies in ms
//   conc C S       C concurrent starters for S seconds → completed runs, errors, seconds
//   stats          requests and sockets this process sent
// System (argv[2]): axme | restate | dbos-queue | dbos-inproc. Config from BENCH_TARGET
// (Axme's GraphQL URL, Restate's ingress URL, or DBOS's system database URL).
import { randomUUID } from 'node:crypto';
import { createClient } from '../../packages/client/src/index.ts';
import { CountingWebSocket, countingSend, mark, timeline, sent, serveCommands, takeTimeline, wallMs } from './counting.ts';
import { peerRequire } from './peers.ts';

export const INPUT = { order: 42, note: 'a small JSON input' };
const system = process.argv[2];
const target = process.env.BENCH_TARGET!;

async function starter(): Promise<() => Promise<unknown>> {
  if (system === 'axme') {
    // one client for every run, as an application holds it: its result() waits share one socket
    const axme = createClient({ url: target, send: countingSend, webSocketImpl: CountingWebSocket });
    // execute(): the submit's answer waits for the result (one request); BENCH_AXME_RESULT=subscribe: submit, then result()
    const subscribe = process.env.BENCH_AXME_RESULT === 'subscribe';
    return async () => {
      const sending = wallMs();
      let done;
      if (subscribe) {
        const { id } = await axme.submit({ type: 'bench.durable', input: INPUT });
        timeline.set(id, { sending });
        done = await axme.result(id);
      } else {
        done = await axme.execute({ type: 'bench.durable', input: INPUT });
        timeline.set(done.id, { sending });
      }
      const id = done.id;
      mark(id, 'resultSeen');
      if (done.status !== 'COMPLETED') throw new Error(`run ${id} ended ${done.status}`);
      return done.output;
    };
  }
  if (system === 'restate') {
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const body = JSON.stringify(INPUT);
    return () =>
      new Promise((resolve, reject) => {
        sent.requests++;
        const req = request(`${target}/Bench/run`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString())) : reject(new Error(`ingress answered ${res.statusCode}: ${Buffer.concat(chunks)}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
  }
  const { DBOS, DBOSClient } = peerRequire('@dbos-inc/dbos-sdk');
  if (system === 'dbos-inproc') {
    const { registerBenchWorkflow } = await import('./dbos-workflow.ts');
    const workflow = registerBenchWorkflow(DBOS);
    DBOS.setConfig({ name: 'axme-bench', systemDatabaseUrl: target, logLevel: 'warn' });
    await DBOS.launch();
    return async () => (await DBOS.startWorkflow(workflow)(INPUT)).getResult();
  }
  if (system === 'dbos-queue') {
    const client = await DBOSClient.create({ systemDatabaseUrl: target, applicationName: 'axme-bench' });
    return async () => {
      const handle = await client.enqueue({ workflowName: 'benchRun', queueName: 'bench', workflowID: randomUUID() }, INPUT);
      return handle.getResult({ pollingIntervalMs: 50 });
    };
  }
  throw new Error(`unknown system ${system}`);
}

const run = await starter();
process.stdout.write('ready\n');

serveCommands(async (cmd, args) => {
  if (cmd === 'seq') {
    const latencies: number[] = [];
    for (let i = 0; i < Number(args[0]); i++) {
      const t = performance.now();
      await run();
      latencies.push(performance.now() - t);
    }
    return { latencies };
  }
  if (cmd === 'conc') {
    const until = performance.now() + Number(args[1]) * 1000;
    const start = performance.now();
    let count = 0;
    let errors = 0;
    await Promise.all(Array.from({ length: Number(args[0]) }, async () => {
      while (performance.now() < until) {
        try {
          await run();
          count++;
        } catch (err) {
          if (++errors <= 3) console.error(`driver: ${(err as Error).message}`);
        }
      }
    }));
    return { count, errors, seconds: (performance.now() - start) / 1000 };
  }
  if (cmd === 'stats') return { ...sent, timeline: takeTimeline() };
  throw new Error(`unknown command ${cmd}`);
});
