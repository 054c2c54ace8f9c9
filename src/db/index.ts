import { mkdir } from 'node:fs/promises';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import { createPgDb } from './pg.ts';
import { createPgliteDb } from './pglite.ts';
import type { Db } from './types.ts';

/** PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise. */
export async function openDb(config: Config, log: Logger): Promise<Db> {
  if (config.databaseUrl) {
    return createPgDb({
      connectionString: config.databaseUrl,
      schema: config.dbSchema ?? undefined,
      max: config.dbPoolSize,
      prepared: config.dbPrepared,
      onError: (err) => log.warn({ err }, 'idle database connection failed; the pool replaces it'),
    });
  }
  if (config.dataDir) await mkdir(config.dataDir, { recursive: true });
  return createPgliteDb(config.dataDir ?? undefined);
}
