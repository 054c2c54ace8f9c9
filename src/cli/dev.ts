/**
 * `axme dev`: a development server with nothing to set up, as `temporal server
 * start-dev` or `npx inngest-cli dev`. Embedded PostgreSQL (PGlite) with its data in
 * ./.axme/data of the folder it runs in (or in memory), in-process notifications,
 * GraphiQL and the dashboard. DATABASE_URL and REDIS_URL are ignored: `axme serve`
 * is the production form that uses them.
 */
import { resolve } from 'node:path';
import { createAxme } from '../app.ts';
import { ConfigError, loadConfig } from '../core/config.ts';
import { createLogger } from '../core/log.ts';
import { listen, stopOnSignals } from '../server.ts';

export interface DevOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  memory?: boolean;
}

export async function dev(o: DevOptions): Promise<void> {
  const ignored = ['DATABASE_URL', 'REDIS_URL'].filter((name) => process.env[name]);
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, REDIS_URL: undefined };
  if (o.port !== undefined) env.PORT = o.port;
  if (o.host !== undefined) env.HOST = o.host;
  if (o.memory) env.AXME_DATA_DIR = 'memory';
  else if (o.dataDir !== undefined) env.AXME_DATA_DIR = o.dataDir;
  // the banner below says what a developer needs; the JSON log only warns unless asked
  env.AXME_LOG_LEVEL ??= 'warn';

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`axme dev: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const app = await createAxme(config, log);
  let running;
  try {
    running = await listen(app, log);
  } catch (err) {
    await app.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      process.stderr.write(`axme dev: port ${config.port} is in use: try --port ${config.port + 1}, or --port 0 for any free port\n`);
      process.exit(1);
    }
    throw err;
  }

  const base = running.url.replace(/\/graphql$/, '');
  const lines = [
    'Axme dev server (embedded PostgreSQL, no API keys: for development only)',
    `  GraphQL and GraphiQL  ${running.url}`,
    `  Dashboard             ${base}/ui/`,
    ...(config.mcp ? [`  MCP (for LLM agents)  ${base}/mcp`] : []),
    `  Data                  ${config.dataDir ? resolve(config.dataDir) : 'in memory: nothing is kept'}`,
    ...(ignored.length ? [`  Ignored               ${ignored.join(', ')} (axme serve uses them)`] : []),
    '',
    `Point a worker at it: createClient({ url: '${running.url}' }) from @axme/client.`,
    'Ctrl+C stops it.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  stopOnSignals(running, log, (stage, signal) =>
    process.stdout.write(stage === 'stopping' ? `axme dev: ${signal}, stopping\n` : 'axme dev: stopped\n'));
}
