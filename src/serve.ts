import { createAxme } from './app.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { createLogger } from './core/log.ts';
import { listen, stopOnSignals } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`axme: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, config.logFormat);
  const backend = config.databaseUrl ? 'postgres' : `embedded PGlite (${config.dataDir ?? 'in memory'})`;
  log.info({ backend, pubsub: config.redisUrl ? 'redis' : 'in-process' }, 'starting');
  if (!config.authRequired) {
    log.warn(
      config.databaseUrl
        ? 'authentication is OFF (AXME_AUTH=off): anyone who can reach this port can read and change every intent'
        : 'development server: authentication is off on the embedded backend; anyone who can reach this port has full access (AXME_AUTH=on to require API keys)',
    );
  }
  const app = await createAxme(config, log);
  const running = await listen(app, log);
  const base = running.url.replace(/\/graphql$/, '');
  log.info(`Axme is serving GraphQL at ${running.url}`);
  log.info(`  GraphiQL (try a query):  ${running.url}`);
  log.info(`  dashboard:               ${base}/ui`);
  if (config.mcp) log.info(`  MCP (for LLM agents):    ${base}/mcp`);
  if (config.metrics) log.info(`  Prometheus metrics:      ${base}/metrics`);
  log.info(`  health:                  ${base}/healthz, ${base}/readyz`);

  stopOnSignals(running, log, (stage, signal) =>
    stage === 'stopping' ? log.info({ signal }, 'shutting down: no new requests, finishing in-flight ones') : log.info('stopped'));
}

main().catch((err) => {
  process.stderr.write(`axme: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
