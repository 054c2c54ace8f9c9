import { createAxme, type Axme } from '../../src/app.ts';
import { ManualClock, type Clock } from '../../src/core/clock.ts';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { type Logger, createLogger } from '../../src/core/log.ts';
import { freshDb, type TestDb } from './db.ts';

export interface TestApp {
  app: Axme;
  tdb: TestDb;
  clock: Clock;
  /** Runs one GraphQL operation through yoga.fetch (no port) and returns the parsed body. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

export interface GqlResult<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

/** `log` replaces the silent logger (helpers/log.ts captures one). */
export async function testApp(opts: { clock?: Clock; env?: Record<string, string>; log?: Logger } = {}): Promise<TestApp> {
  const tdb = await freshDb();
  const config: Config = loadConfig({ AXME_LOG_LEVEL: 'silent', AXME_CLAIM_POLL_MS: '50', ...opts.env });
  const clock = opts.clock ?? new ManualClock(new Date());
  const app = await createAxme(config, opts.log ?? createLogger(config.logLevel), { db: tdb.db, clock, startSweeper: false });
  return {
    app,
    tdb,
    clock,
    async gql(query, variables) {
      const res = await app.yoga.fetch('http://axme.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, ...(await res.json()) };
    },
    async close() {
      await app.close();
      await tdb.close();
    },
  };
}

/** The data of a result that must have succeeded; otherwise throws with the errors. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

/** The single error code of a result that must have failed. */
export function code(r: GqlResult<unknown>): unknown {
  if (!r.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
  return r.errors[0]!.extensions?.code;
}
