import { ApiKeys } from './auth/keys.ts';
import { Revocations } from './auth/revocations.ts';
import { type Clock, systemClock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import { openDb } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import type { Db } from './db/types.ts';
import { ProcessBudget } from './graphql/delivery-budget.ts';
import { type AxmeYoga, createAxmeYoga } from './graphql/yoga.ts';
import { LiveService } from './live/service.ts';
import { useMcp } from './mcp/endpoint.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import type { Logger } from './core/log.ts';
import { createMemoryPubSub } from './pubsub/memory.ts';
import { createRedisPubSub } from './pubsub/redis.ts';
import { LocalChanges } from './pubsub/local-changes.ts';
import type { PubSub } from './pubsub/types.ts';
import { type Services, createServices } from './services/index.ts';
import { Sweeper } from './sweeps/sweeper.ts';
import { createAppMetrics } from './telemetry/metrics.ts';
import { registerRecoveryTasks } from './sweeps/recovery.ts';
import { registerWaitSweeps } from './sweeps/waits.ts';
import { registerWorkerSweeps } from './sweeps/workers.ts';
import { registerStreamSweeps } from './sweeps/streams.ts';
import { registerStatisticsSweep } from './sweeps/statistics.ts';
import { registerScheduleSweep } from './sweeps/schedules.ts';
import { startTracing } from './telemetry/tracing.ts';
import { traceDb } from './telemetry/traced-db.ts';
import { budgetDb } from './db/budget.ts';

export interface Axme {
  config: Config;
  db: Db;
  pubsub: PubSub;
  /** Rows this instance's writes committed, handed to its own watches without a read (pubsub/local-changes.ts). */
  local: LocalChanges;
  /** Intents, waits, approvals and operator controls: what resolvers call. */
  services: Services;
  keys: ApiKeys;
  /** Ends the open sockets and streams of revoked keys, on every instance. */
  revocations: Revocations;
  /** Subscriptions and live progress. */
  live: LiveService;
  /** Unsent result bytes of every connection (AXME_SUBSCRIPTION_PROCESS_BYTES), shared by graphql-ws and SSE. */
  delivery: ProcessBudget;
  /** Background tasks; register them in createAxme. Started unless deps.startSweeper is false. */
  sweeper: Sweeper;
  yoga: AxmeYoga;
  /** Marks the instance not-ready (for /readyz) ahead of shutdown. */
  drain(): void;
  close(): Promise<void>;
}

/**
 * /readyz answers within this long: a ping stuck behind a pool full of requests
 * waiting for a database that went away means not ready, not a hung probe.
 */
const READY_TIMEOUT_MS = 2_000;

function answersWithin(ping: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([ping, late]).finally(() => clearTimeout(timer));
}

export interface AxmeDeps {
  clock?: Clock;
  /** An open database to use instead of opening one from config (tests). */
  db?: Db;
  pubsub?: PubSub;
  /** Run the sweeper on its timer. Default true; tests set false and call sweeper.sweep() after moving the clock. */
  startSweeper?: boolean;
}

/** Wires one server instance: database (migrated), notifications, services, sweeps and GraphQL. */
export async function createAxme(config: Config, log: Logger, deps: AxmeDeps = {}): Promise<Axme> {
  const opened = deps.db ?? (await openDb(config, log));
  try {
    if (config.migrateOnStart) {
      const applied = await migrate(opened);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
  } catch (err) {
    if (!deps.db) await opened.close();
    throw err;
  }
  // imported only when configured: without it nothing of OpenTelemetry loads
  const tracing = config.tracing ? await startTracing(config.tracing, log) : undefined;
  // outermost, so a statement the request's budget refuses is not even traced
  const db = budgetDb(tracing ? traceDb(opened, tracing) : opened);
  const pubsub =
    deps.pubsub ??
    (config.redisUrl
      ? createRedisPubSub({ url: config.redisUrl, prefix: config.redisPrefix, log })
      : createMemoryPubSub((err) => log.error({ err }, 'subscriber failed')));
  const local = new LocalChanges();
  const clock = deps.clock ?? systemClock;
  const services = createServices({ db, clock, pubsub, local, config, log });
  const live = new LiveService(db, clock, pubsub, local, config, log);
  const sweeper = new Sweeper({ clock, log, intervalMs: config.sweepMs });
  registerRecoveryTasks(sweeper, { db, commit: services.commit, config, log });
  registerWaitSweeps(sweeper, services);
  registerWorkerSweeps(sweeper, services);
  registerStreamSweeps(sweeper, { db, config });
  registerScheduleSweep(sweeper, services);
  registerStatisticsSweep(sweeper, { db, log });
  if (deps.startSweeper !== false) sweeper.start();
  let draining = false;
  const revocations: Revocations = new Revocations({ db, pubsub, log, recheckMs: config.keyRecheckMs, forgetKeys: () => keys.forget() });
  const keys = new ApiKeys(db, clock, (id) => revocations.announce(id));
  const delivery = new ProcessBudget(config.subscriptionProcessBytes);
  const metrics = config.metrics ? createAppMetrics({ db, openSubscriptions: () => live.openCount, deliveryBytes: () => delivery.used }) : undefined;
  const ready = async () => !draining && (await answersWithin(db.ping(), READY_TIMEOUT_MS));
  // one budget per key, whichever door the key comes in by
  const rateLimiter = new RateLimiter({ perSecond: config.rateLimit, burst: config.rateBurst });
  const mcp = config.mcp ? useMcp({ services, live, keys, rateLimiter, revocations, authRequired: config.authRequired, maxBodyBytes: config.maxBodyBytes }) : null;
  const yoga = createAxmeYoga({ config, services, keys, revocations, live, delivery, log, metrics, ready, tracing, rateLimiter, endpoints: mcp ? [mcp] : [] });
  return {
    config,
    db,
    pubsub,
    local,
    services,
    keys,
    revocations,
    live,
    delivery,
    sweeper,
    yoga,
    drain() {
      draining = true;
      services.close();
      live.close();
    },
    async close() {
      draining = true;
      await mcp?.close();
      services.close();
      live.close();
      revocations.close();
      await sweeper.stop();
      await pubsub.close();
      if (!deps.db) await db.close();
      // last, so the spans of the requests drained above are exported
      await tracing?.shutdown();
    },
  };
}
