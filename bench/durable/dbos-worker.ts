// The worker process of DBOS's queued subject: it runs the bench workflow for the
// queue "bench", which it polls every 50 ms (default 1 s).
import { registerBenchWorkflow } from './dbos-workflow.ts';
import { peerRequire } from './peers.ts';

const { DBOS } = peerRequire('@dbos-inc/dbos-sdk');
registerBenchWorkflow(DBOS);
DBOS.setConfig({ name: 'axme-bench', systemDatabaseUrl: process.env.BENCH_TARGET, logLevel: 'warn' });
await DBOS.launch();
// DBOS 5.3 keeps queues in the system database and registers them after launch
await DBOS.registerQueue('bench', { minPollingIntervalMs: 50, onConflict: 'always_update' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void DBOS.shutdown().finally(() => process.exit(0)));
