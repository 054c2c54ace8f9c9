/**
 * The real path a user takes, for one test file: a server listening on a free port over a
 * fresh database, and the typed client against it; both gone after the file.
 */
import { afterAll, beforeAll } from 'vitest';
import { createClient, type Axme } from '@axme/client';
import { createAxme } from '../../src/app.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { freshDb, type TestDb } from './db.ts';

export interface Served {
  tdb: TestDb;
  server: RunningServer;
  axme: Axme;
}

/** Quiet, with a short shutdown; `env` adds to or overrides these. */
export const SERVED_ENV = { PORT: '0', AXME_LOG_LEVEL: 'silent', AXME_SHUTDOWN_TIMEOUT_MS: '500' };

/** Another server over the same database (a second instance, or other settings); the caller shuts it down. */
export async function listenOn(tdb: TestDb, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({ ...SERVED_ENV, ...env });
  return listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
}

/** Starts the file's server before its tests and hands it to `set`; shuts it and the database down after. */
export function useServed(env: Record<string, string>, set: (s: Served) => void): void {
  let served: Served | undefined;
  let tdb: TestDb | undefined;
  beforeAll(async () => {
    tdb = await freshDb();
    const server = await listenOn(tdb, env);
    served = { tdb, server, axme: createClient({ url: server.url }) };
    set(served);
  });
  afterAll(async () => {
    await served?.server.shutdown();
    await tdb?.close();
  });
}
