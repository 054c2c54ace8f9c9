/**
 * Configuration from environment variables, validated once at start-up. Every bad
 * value is reported, one line each, before anything starts.
 */
import { readFileSync } from 'node:fs';
import { parseDurationSeconds } from './duration.ts';
import { type PriceTable, parsePrices } from './usage.ts';
import { ON_EXHAUSTED, type OnExhausted } from './retry-policy.ts';

function onExhausted(raw: string | null, problems: string[]): OnExhausted {
  if (raw === null) return 'FAIL';
  const v = raw.toUpperCase();
  if ((ON_EXHAUSTED as readonly string[]).includes(v)) return v as OnExhausted;
  problems.push(`AXME_ON_EXHAUSTED=${raw}: expected FAIL or ESCALATE`);
  return 'FAIL';
}

export interface Config {
  /** PORT: HTTP port. Default 4000. */
  port: number;
  /** HOST: interface to bind. Default 127.0.0.1 (set 0.0.0.0 in containers). */
  host: string;
  /** DATABASE_URL: PostgreSQL; unset means embedded PGlite in dataDir. */
  databaseUrl: string | null;
  /** AXME_DB_SCHEMA: schema on DATABASE_URL's database. Default: the server's search_path (public). */
  dbSchema: string | null;
  /** AXME_DB_POOL_SIZE: connections per instance. Default 10. */
  dbPoolSize: number;
  /** AXME_DB_PREPARED: named prepared statements on PostgreSQL (true/false); turn off behind PgBouncer in transaction mode. Default true. */
  dbPrepared: boolean;
  /** REDIS_URL: cross-instance notifications; unset means in-process. */
  redisUrl: string | null;
  /** AXME_DATA_DIR: PGlite's folder when DATABASE_URL is unset. Default ./.axme/data; `memory` keeps nothing. */
  dataDir: string | null;
  /** AXME_LOG_LEVEL: pino level. Default info. */
  logLevel: string;
  /** AXME_LOG_FORMAT: `pretty` (one readable line per entry) or `json`. Default pretty on a terminal, json otherwise. */
  logFormat: 'pretty' | 'json';
  /** AXME_DEFAULT_LEASE_SECONDS: lease when a claim names none. Default 300. */
  defaultLeaseSeconds: number;
  /** AXME_MAX_LEASE_SECONDS: the longest lease a claim or heartbeat may ask for. Default 86400. */
  maxLeaseSeconds: number;
  /** AXME_DEFAULT_MAX_ATTEMPTS: attempts when a submit names none. Default 3. */
  defaultMaxAttempts: number;
  /** AXME_MAX_WAIT_SECONDS: the longest a claim may long-poll, or a submit wait for its intent to finish. Default 60. */
  maxWaitSeconds: number;
  /** AXME_MAX_WAITING_SUBMITS: submits waiting for their intent to finish at once, per instance; past it a submit answers at once. Default 10000. */
  maxWaitingSubmits: number;
  /** AXME_CLAIM_POLL_MS: how often a waiting claim looks again without a wake-up (runAt, other instances). Default 1000. */
  claimPollMs: number;
  /** AXME_MAX_PAYLOAD_BYTES: largest input, output, checkpoint or error. Default 1 MiB. */
  maxPayloadBytes: number;
  /** AXME_MAX_STEP_BYTES: largest output of one durable step (recordStep), apart from the checkpoint's limit. Default 1 MiB. */
  maxStepBytes: number;
  /** AXME_SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight requests. Default 10000. */
  shutdownTimeoutMs: number;
  /** AXME_MIGRATE: apply migrations at start-up (true/false). Default true. */
  migrateOnStart: boolean;
  /** AXME_SWEEP_MS: how often each instance looks for expired leases, deadlines and due timers. Default 1000. */
  sweepMs: number;
  /**
   * AXME_WORKER_SESSION_SECONDS: a worker session that sends no heartbeat for this long is
   * LOST and its leases are released. Default 10 (SDKs heartbeat every fifth of it).
   */
  workerSessionSeconds: number;
  /** AXME_AUTH: require API keys (on/off). Default off on the embedded backend, on with DATABASE_URL. */
  authRequired: boolean;
  /** AXME_INTROSPECTION: schema introspection for GraphiQL and codegen (true/false). Default true. */
  introspection: boolean;
  /** AXME_MAX_BODY_BYTES: largest HTTP request body. Default 4 MiB. */
  maxBodyBytes: number;
  /** AXME_MAX_DEPTH: deepest selection in an operation. Default 12. */
  maxDepth: number;
  /** AXME_MAX_ALIASES: aliases in an operation. Default 30. */
  maxAliases: number;
  /** AXME_MAX_COST: the most one request may cost, its batched operations together (graphql/cost.ts: objects it may return). Default 10000. */
  maxCost: number;
  /** AXME_MAX_REQUEST_STATEMENTS: database statements one request may run (db/budget.ts). Default 1000. */
  maxRequestStatements: number;
  /** AXME_MAX_REQUEST_ROWS: rows those statements may return in all. Default 50000. */
  maxRequestRows: number;
  /** AXME_MAX_TOKENS: tokens in an operation's text. Default 5000. */
  maxTokens: number;
  /** AXME_MAX_BATCH: operations in one batched HTTP request. Default 10. */
  maxBatchedOperations: number;
  /**
   * AXME_RATE_LIMIT: operations per second per API key, per instance; 0 is unlimited.
   * Default 500 with auth on; unlimited with auth off, where every caller would share one
   * bucket and a developer's own workers would throttle each other.
   */
  rateLimit: number;
  /** AXME_RATE_BURST: operations a key may send at once after a quiet spell. Default 1000. */
  rateBurst: number;
  /** AXME_MAX_SUBSCRIPTIONS: open subscriptions per WebSocket connection. Default 100. */
  maxSubscriptionsPerConnection: number;
  /** AXME_RETRY_INITIAL_INTERVAL_SECONDS: delay after a first failed attempt when neither the intent nor its type sets one. Default 1. */
  retryInitialIntervalSeconds: number;
  /** AXME_RETRY_BACKOFF_COEFFICIENT: each further failure multiplies the delay by this. Default 2. */
  retryBackoffCoefficient: number;
  /** AXME_RETRY_MAX_INTERVAL_SECONDS: the longest delay between attempts. Default 300. */
  retryMaxIntervalSeconds: number;
  /** AXME_RETRY_JITTER: 0–1, delays are shortened by up to this fraction at random. Default 0.2. */
  retryJitter: number;
  /** AXME_ON_EXHAUSTED: FAIL or ESCALATE, what an intent whose attempts ran out does when neither it nor its type says. Default FAIL. */
  onExhausted: OnExhausted;
  /** AXME_RETENTION: how long finished intents and their events are kept: `30d`, `12h`, `45m` or seconds; `off` keeps them. Default 30d. */
  retentionSeconds: number | null;
  /** AXME_STREAM_MAX_BYTES: UTF-8 bytes one output stream may hold; an append past it is refused (PAYLOAD_TOO_LARGE, reason STREAM_FULL). Default 16 MiB. */
  streamMaxBytes: number;
  /** AXME_STREAM_MAX_CHUNKS: chunks one appendStream call may carry. Default 1000. */
  streamMaxChunks: number;
  /** AXME_STREAM_RETENTION: how long output streams are kept after their intent finished (`7d`, `12h`, seconds, or `off`: as long as the intent). Default 7d. */
  streamRetentionSeconds: number | null;
  /** AXME_REDIS_PREFIX: prefix of this deployment's Redis channels. Default axme. */
  redisPrefix: string;
  /** AXME_SUBSCRIPTION_POLL_MS: how often subscriptions re-read Postgres while Redis is away (10x that as a safety net otherwise). Default 1000. */
  subscriptionPollMs: number;
  /** AXME_SUBSCRIPTION_BUFFER: events held for a slow subscriber before it is cut off with RATE_LIMITED. Default 1000. */
  subscriptionBuffer: number;
  /** AXME_SUBSCRIPTION_MAX_EVENT_BYTES: largest serialized result of one subscription event; a larger one is replaced by a PAYLOAD_TOO_LARGE error. Default 8 MiB. */
  subscriptionMaxEventBytes: number;
  /** AXME_SUBSCRIPTION_CONNECTION_BYTES: unsent result bytes one WebSocket may hold before it is closed with 4429. Default 16 MiB. */
  subscriptionConnectionBytes: number;
  /** AXME_SUBSCRIPTION_PROCESS_BYTES: unsent result bytes all connections of the process may hold; past it deliveries wait for writes to drain. Default 256 MiB. */
  subscriptionProcessBytes: number;
  /** AXME_KEY_RECHECK_MS: how often each instance asks the database whether the keys of its open subscriptions were revoked. Default 5000. */
  keyRecheckMs: number;
  /** AXME_METRICS: serve Prometheus metrics at /metrics on the API port (on/off). Default on. */
  metrics: boolean;
  /** AXME_MCP: serve the MCP endpoint at /mcp (true/false). Default true. */
  mcp: boolean;
  /** AXME_METRICS_PUBLIC: serve /metrics with no credential even when auth is on (true/false). Default false. */
  metricsPublic: boolean;
  /**
   * AXME_METRICS_TOKEN: the operator's bearer token for /metrics (16 characters or more). Its series span
   * every namespace, so no namespace's key reads them. Unset with auth on (and not public): /metrics is refused.
   */
  metricsToken: string | null;
  /**
   * AXME_ALLOWED_ORIGINS: comma-separated web origins (`https://app.example.com`) besides the server's own
   * that may call the API from a browser, over HTTP (CORS) and WebSocket. Default: none.
   */
  allowedOrigins: string[];
  /**
   * AXME_ALLOWED_HOSTS: comma-separated host names this server answers to while auth is off, besides
   * localhost, *.localhost, IP addresses and HOST; `*` turns the check off. Guards against DNS rebinding.
   */
  allowedHosts: string[];
  /**
   * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): export traces over OTLP/HTTP.
   * Unset, or OTEL_SDK_DISABLED=true, means no tracing and no OpenTelemetry module loaded.
   */
  tracing: TracingConfig | null;
  /**
   * AXME_PRICES: USD per million input/output/cached tokens per model, to price the usage
   * steps report without a cost: JSON, or the path of a JSON file. Default: none (cost null).
   */
  prices: PriceTable;
}

export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

export interface TracingConfig {
  /** Where spans are posted: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  url: string;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (default) or http/json. */
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_TRACES_SAMPLER. Default parentbased_always_on: every trace, unless the caller's traceparent says unsampled. */
  sampler: (typeof SAMPLERS)[number];
  /** OTEL_TRACES_SAMPLER_ARG: the fraction the traceidratio samplers keep. Default 1. */
  samplerRatio: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const MiB = 1024 * 1024;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const num = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push(`${name}=${raw}: expected a number from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const retention = (name: string, def: number): number | null => {
    const raw = str(name);
    if (raw === null) return def;
    if (raw.toLowerCase() === 'off') return null;
    const secs = parseDurationSeconds(raw);
    if (secs === null || secs < 60) {
      problems.push(`${name}=${raw}: expected off or a duration of at least a minute, like 30d, 12h, 45m or seconds`);
      return def;
    }
    return secs;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw == null) return def;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name}=${raw}: expected true or false`);
    return def;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error();
      return raw;
    } catch {
      problems.push(`${name}: expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
      return null;
    }
  };

  const list = (name: string): string[] => (str(name) ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const origins = (name: string): string[] =>
    list(name).flatMap((raw) => {
      try {
        const u = new URL(raw);
        if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === raw.replace(/\/$/, '').toLowerCase()) return [u.origin];
      } catch {
        // reported below
      }
      problems.push(`${name}: ${raw} is not an origin like https://app.example.com (scheme, host and port only)`);
      return [];
    });
  const hosts = (name: string): string[] =>
    list(name).flatMap((raw) => {
      const h = raw.toLowerCase();
      if (h === '*' || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h)) return [h];
      problems.push(`${name}: ${raw} is not a host name (no scheme or port) or *`);
      return [];
    });
  const token = (name: string, min: number): string | null => {
    const raw = str(name);
    if (raw !== null && raw.length < min) problems.push(`${name}: expected at least ${min} characters`);
    return raw;
  };

  const logLevel = str('AXME_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`AXME_LOG_LEVEL=${logLevel}: expected fatal, error, warn, info, debug, trace or silent`);
  }
  const logFormat = str('AXME_LOG_FORMAT') ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') problems.push(`AXME_LOG_FORMAT=${logFormat}: expected pretty or json`);
  const dbSchema = str('AXME_DB_SCHEMA');
  if (dbSchema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(dbSchema)) {
    problems.push(`AXME_DB_SCHEMA=${dbSchema}: expected a lower-case SQL identifier`);
  }
  const dataDir = str('AXME_DATA_DIR') ?? './.axme/data';
  // JSON inline (starts with `{`) or a file holding it
  const prices = (raw: string | null): PriceTable => {
    if (raw === null) return new Map();
    let text = raw;
    if (!raw.trimStart().startsWith('{')) {
      try {
        text = readFileSync(raw, 'utf8');
      } catch (e) {
        problems.push(`AXME_PRICES=${raw}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        return new Map();
      }
    }
    const r = parsePrices(text, 'AXME_PRICES');
    problems.push(...r.problems);
    return r.prices;
  };

  const config: Config = {
    port: int('PORT', 4000, 0, 65535),
    host: str('HOST') ?? '127.0.0.1',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dbSchema,
    dbPoolSize: int('AXME_DB_POOL_SIZE', 10, 1, 1000),
    dbPrepared: bool('AXME_DB_PREPARED', true),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    dataDir: dataDir === 'memory' ? null : dataDir,
    logLevel,
    logFormat: logFormat === 'pretty' ? 'pretty' : 'json',
    defaultLeaseSeconds: int('AXME_DEFAULT_LEASE_SECONDS', 300, 1, 86_400),
    maxLeaseSeconds: int('AXME_MAX_LEASE_SECONDS', 86_400, 1, 7 * 86_400),
    defaultMaxAttempts: int('AXME_DEFAULT_MAX_ATTEMPTS', 3, 1, 100),
    maxWaitSeconds: int('AXME_MAX_WAIT_SECONDS', 60, 0, 3600),
    maxWaitingSubmits: int('AXME_MAX_WAITING_SUBMITS', 10_000, 0, 1_000_000),
    claimPollMs: int('AXME_CLAIM_POLL_MS', 1000, 10, 60_000),
    maxPayloadBytes: int('AXME_MAX_PAYLOAD_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    maxStepBytes: int('AXME_MAX_STEP_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    shutdownTimeoutMs: int('AXME_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    migrateOnStart: bool('AXME_MIGRATE', true),
    sweepMs: int('AXME_SWEEP_MS', 1000, 10, 3_600_000),
    workerSessionSeconds: int('AXME_WORKER_SESSION_SECONDS', 10, 2, 3600),
    authRequired: bool('AXME_AUTH', str('DATABASE_URL') !== null),
    introspection: bool('AXME_INTROSPECTION', true),
    maxBodyBytes: int('AXME_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    maxDepth: int('AXME_MAX_DEPTH', 12, 2, 100),
    maxAliases: int('AXME_MAX_ALIASES', 30, 0, 1000),
    maxCost: int('AXME_MAX_COST', 10_000, 10, 10_000_000),
    maxRequestStatements: int('AXME_MAX_REQUEST_STATEMENTS', 1000, 10, 10_000_000),
    maxRequestRows: int('AXME_MAX_REQUEST_ROWS', 50_000, 100, 100_000_000),
    maxTokens: int('AXME_MAX_TOKENS', 5000, 100, 1_000_000),
    maxBatchedOperations: int('AXME_MAX_BATCH', 10, 1, 1000),
    rateLimit: int('AXME_RATE_LIMIT', bool('AXME_AUTH', str('DATABASE_URL') !== null) ? 500 : 0, 0, 1_000_000),
    rateBurst: int('AXME_RATE_BURST', 1000, 1, 10_000_000),
    maxSubscriptionsPerConnection: int('AXME_MAX_SUBSCRIPTIONS', 100, 1, 100_000),
    retryInitialIntervalSeconds: num('AXME_RETRY_INITIAL_INTERVAL_SECONDS', 1, 0, 7 * 86_400),
    retryBackoffCoefficient: num('AXME_RETRY_BACKOFF_COEFFICIENT', 2, 1, 100),
    retryMaxIntervalSeconds: num('AXME_RETRY_MAX_INTERVAL_SECONDS', 300, 0, 7 * 86_400),
    retryJitter: num('AXME_RETRY_JITTER', 0.2, 0, 1),
    onExhausted: onExhausted(str('AXME_ON_EXHAUSTED'), problems),
    retentionSeconds: retention('AXME_RETENTION', 30 * 86_400),
    streamMaxBytes: int('AXME_STREAM_MAX_BYTES', 16 * MiB, 1024, 1024 * MiB),
    streamMaxChunks: int('AXME_STREAM_MAX_CHUNKS', 1000, 1, 100_000),
    streamRetentionSeconds: retention('AXME_STREAM_RETENTION', 7 * 86_400),
    redisPrefix: str('AXME_REDIS_PREFIX') ?? 'axme',
    subscriptionPollMs: int('AXME_SUBSCRIPTION_POLL_MS', 1000, 10, 60_000),
    subscriptionBuffer: int('AXME_SUBSCRIPTION_BUFFER', 1000, 1, 1_000_000),
    subscriptionMaxEventBytes: int('AXME_SUBSCRIPTION_MAX_EVENT_BYTES', 8 * MiB, 1024, 1024 * MiB),
    subscriptionConnectionBytes: int('AXME_SUBSCRIPTION_CONNECTION_BYTES', 16 * MiB, 1024, 4096 * MiB),
    subscriptionProcessBytes: int('AXME_SUBSCRIPTION_PROCESS_BYTES', 256 * MiB, 1024, 64 * 1024 * MiB),
    keyRecheckMs: int('AXME_KEY_RECHECK_MS', 5000, 10, 3_600_000),
    metrics: bool('AXME_METRICS', true),
    metricsPublic: bool('AXME_METRICS_PUBLIC', false),
    mcp: bool('AXME_MCP', true),
    metricsToken: token('AXME_METRICS_TOKEN', 16),
    allowedOrigins: origins('AXME_ALLOWED_ORIGINS'),
    allowedHosts: hosts('AXME_ALLOWED_HOSTS'),
    tracing: null,
    prices: prices(str('AXME_PRICES')),
  };
  // the OpenTelemetry SDK reads these names itself (headers, timeouts, resource attributes);
  // the ones that decide whether and how Axme loads it are checked here with the rest
  const traces = url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  const base = url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  if ((traces ?? base) && !bool('OTEL_SDK_DISABLED', false)) {
    const protocol = str('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? str('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
    if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
      problems.push(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: expected http/protobuf or http/json (grpc is not supported)`);
    }
    const sampler = str('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
    if (!(SAMPLERS as readonly string[]).includes(sampler)) problems.push(`OTEL_TRACES_SAMPLER=${sampler}: expected one of ${SAMPLERS.join(', ')}`);
    config.tracing = {
      url: traces ?? `${base!.replace(/\/+$/, '')}/v1/traces`,
      protocol: protocol === 'http/json' ? 'http/json' : 'http/protobuf',
      sampler: sampler as TracingConfig['sampler'],
      samplerRatio: num('OTEL_TRACES_SAMPLER_ARG', 1, 0, 1),
    };
  }
  if (2 * config.subscriptionMaxEventBytes > config.subscriptionConnectionBytes) {
    // an SSE response holds the result being written and the next one
    problems.push('AXME_SUBSCRIPTION_CONNECTION_BYTES must be at least twice AXME_SUBSCRIPTION_MAX_EVENT_BYTES');
  }
  if (config.subscriptionConnectionBytes > config.subscriptionProcessBytes) {
    problems.push('AXME_SUBSCRIPTION_CONNECTION_BYTES must not exceed AXME_SUBSCRIPTION_PROCESS_BYTES');
  }
  if (config.defaultLeaseSeconds > config.maxLeaseSeconds) {
    problems.push('AXME_DEFAULT_LEASE_SECONDS must not exceed AXME_MAX_LEASE_SECONDS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
