/**
 * A database that reports every statement sent through it or its transactions, and an app
 * over one, for tests that count what the app runs (claim statements, session reads).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAxme, type Axme } from '../../src/app.ts';
import type { Clock } from '../../src/core/clock.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import type { Db, Queryable } from '../../src/db/types.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { freshDb, type TestDb } from './db.ts';

/** The database, with every statement sent through it or its transactions going through `query(q)`, which sends it on with `q`. */
export function spying(db: Db, query: (q: Queryable) => Queryable['query']): Db {
  const spied = (q: Queryable): Queryable => ({ query: query(q), exec: (sql) => q.exec(sql) });
  return Object.assign(Object.create(db) as Db, {
    query: spied(db).query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(spied(tx))),
  });
}

export function recording(db: Db, sent: (sql: string) => void): Db {
  return spying(db, (q) => (sql, params) => {
    sent(sql);
    return q.query(sql, params);
  });
}

export interface RecordedApp {
  app: Axme;
  running: RunningServer;
  tdb: TestDb;
  /** Every statement the app sent since the current test began, in order. */
  statements: string[];
}

/** For one test file: the app over a fresh database, listening, its statements recorded (cleared before each test). */
export function useRecordedApp(env: Record<string, string>, clock: Clock): RecordedApp {
  const r = { statements: [] as string[] } as RecordedApp;
  beforeAll(async () => {
    r.tdb = await freshDb();
    const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent', ...env });
    r.app = await createAxme(config, createLogger('silent'), { db: recording(r.tdb.db, (sql) => r.statements.push(sql)), clock, startSweeper: false });
    r.running = await listen(r.app, createLogger('silent'));
  });
  afterAll(async () => {
    await r.running?.shutdown();
    await r.tdb?.close();
  });
  beforeEach(() => {
    r.statements.length = 0;
  });
  return r;
}
