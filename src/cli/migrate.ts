import { loadConfig } from '../core/config.ts';
import { openDb } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../core/log.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, config.logFormat);
const db = await openDb(config, log);
try {
  const applied = await migrate(db);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
} finally {
  await db.close();
}
