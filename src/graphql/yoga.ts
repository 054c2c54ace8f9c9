import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { authenticate, authorizationFromParams, refusedAuth } from '../auth/authenticate.ts';
import { AxmeError } from '../core/errors.ts';
import type { ApiKeys } from '../auth/keys.ts';
import type { Revocations } from '../auth/revocations.ts';
import type { ProcessBudget } from './delivery-budget.ts';
import type { Config } from '../core/config.ts';
import type { LiveService } from '../live/service.ts';
import type { Logger } from '../core/log.ts';
import type { Services } from '../services/index.ts';
import type { Context } from './context.ts';
import { createLoaders } from './loaders.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { useBodyLimit } from './plugins/body-limit.ts';
import { useCrossSite } from './plugins/cross-site.ts';
import { useSecurityHeaders } from './plugins/security-headers.ts';
import { createMaskError, isRefusal } from './plugins/mask-errors.ts';
import { useErrorCodes } from './plugins/error-codes.ts';
import { useOfflineGraphiQL } from './plugins/graphiql.ts';
import { useGetParams } from './plugins/get-params.ts';
import { useInputGuard } from './plugins/input-guard.ts';
import { useDbBudget } from './plugins/db-budget.ts';
import { useQueryCost } from './plugins/query-cost.ts';
import { useHealth } from './plugins/health.ts';
import { useHttpStreams } from './plugins/http-streams.ts';
import { useMetrics } from './plugins/metrics.ts';
import type { AppMetrics } from '../telemetry/metrics.ts';
import { operationLimits } from './plugins/limits.ts';
import { useRateLimit } from './plugins/rate-limit.ts';
import { RateLimiter } from '../auth/rate-limit.ts';
import { useRoles } from './plugins/roles.ts';
import { useTracing } from './plugins/tracing.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import { useSharedEvents } from './plugins/shared-events.ts';
import { useUi } from './plugins/ui.ts';
import { schema } from './schema/index.ts';

export interface YogaOptions {
  config: Config;
  services: Services;
  keys: ApiKeys;
  revocations: Revocations;
  live: LiveService;
  /** Unsent result bytes of the process, shared with graphql-ws. */
  delivery: ProcessBudget;
  log: Logger;
  /** Whether the server can take work; false during shutdown or while the database is away. */
  ready: () => Promise<boolean>;
  /** Served at /metrics when set. */
  metrics?: AppMetrics | undefined;
  /** A span per operation when set (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing?: Tracing | undefined;
  /**
   * Other endpoints on this port (the MCP endpoint, src/mcp), run after the security
   * headers, the cross-site checks and the body limit, so they pass the same gates.
   */
  endpoints?: Plugin[];
  /** The per-key budget (AXME_RATE_LIMIT), shared with the other endpoints; one of its own when absent. */
  rateLimiter?: RateLimiter;
}

export type AxmeYoga = YogaServerInstance<Record<string, unknown>, Context>;

export function createAxmeYoga(o: YogaOptions): AxmeYoga {
  const graphiql = useOfflineGraphiQL();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // yoga's CORS reflects any Origin; useCrossSite answers CORS for AXME_ALLOWED_ORIGINS only
    cors: false,
    graphiql: { title: 'Axme', defaultQuery: DEFAULT_QUERY },
    // yoga's own page loads GraphiQL from a CDN; this one loads it from the server
    renderGraphiQL: graphiql.renderGraphiQL,
    maskedErrors: { maskError: createMaskError(o.log) },
    logging: {
      // yoga logs each request's steps at debug: formatted only when they would be written
      debug: (...a) => o.log.isLevelEnabled('debug') && o.log.debug(a.map(String).join(' ')),
      info: (...a) => o.log.info(a.map(String).join(' ')),
      warn: (...a) => o.log.warn(a.map(String).join(' ')),
      // yoga logs every error its masking replaced, refusals of bad input included: those
      // are the client's mistakes (useErrorCodes logs them at debug), not the server's
      error: (...a) => (a.every(isRefusal) ? o.log.trace : o.log.error).call(o.log, a.map(String).join(' ')),
    },
    batching: { limit: o.config.maxBatchedOperations },
    // useBodyLimit refuses bodies by Content-Length (and bodies without one), and Node's
    // parser reads no more than that; yoga's own limit would pipe every body through a counting stream
    maxRequestBodySize: false,
    // HTTP and SSE send the key as a header; graphql-ws sends it in connectionParams
    context: async ({ request, connectionParams, transport }: { request: Request; connectionParams?: Record<string, unknown>; transport?: 'ws' }) => {
      const header = request?.headers.get('authorization') ?? authorizationFromParams(connectionParams);
      // a refused key is an answer (UNAUTHENTICATED, from useRoles), not a failed request to log
      const auth = await authenticate(o.keys, o.config.authRequired, header).catch((err: unknown) => {
        if (err instanceof AxmeError && err.code === 'UNAUTHENTICATED') return refusedAuth(err.message);
        throw err;
      });
      return {
        services: o.services, keys: o.keys, live: o.live, caller: auth.caller, auth, transport: transport ?? 'http',
        loaders: createLoaders(o.services, auth.caller),
        signal: request?.signal ?? new AbortController().signal,
      };
    },
    plugins: [
      ...(o.tracing ? [useTracing(o.tracing) as Plugin] : []),
      useHealth(o.ready),
      useSecurityHeaders(),
      useCrossSite(crossSiteOptions(o.config)),
      ...(o.metrics ? [useMetrics(o.metrics, metricsAccess(o.config))] : []),
      useUi(),
      graphiql,
      useBodyLimit(o.config.maxBodyBytes),
      ...(o.endpoints ?? []),
      useGetParams(),
      useErrorCodes({ log: o.log }),
      useInputGuard(),
      ...operationLimits(o.config),
      useQueryCost({ maxCost: o.config.maxCost }),
      useDbBudget({ statements: o.config.maxRequestStatements, rows: o.config.maxRequestRows }),
      ...(o.config.introspection ? [] : [useDisableIntrospection() as Plugin]),
      useRoles(),
      useRateLimit(o.rateLimiter ?? new RateLimiter({ perSecond: o.config.rateLimit, burst: o.config.rateBurst })),
      useSharedEvents<Context>({
        // what a subscription's results may depend on besides the operation: the
        // namespace (every read is confined to it) and the role (refused keys never get here)
        audience: (ctx) => (ctx.auth.refused ? null : `${ctx.caller.namespace}\u0000${ctx.auth.role}`),
        perEvent: (ctx) => ({ ...ctx, loaders: createLoaders(ctx.services, ctx.caller) }),
      }),
      useHttpStreams({
        budget: o.delivery,
        connectionBytes: o.config.subscriptionConnectionBytes,
        maxEventBytes: o.config.subscriptionMaxEventBytes,
        revocations: o.revocations,
      }),
    ],
  });
}

/** Shared with the WebSocket upgrade (ws.ts), so both refuse the same requests. */
export function crossSiteOptions(config: Config) {
  const bound = config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host];
  return { allowedOrigins: config.allowedOrigins, allowedHosts: [...bound, ...config.allowedHosts], checkHost: !config.authRequired };
}

/**
 * /metrics spans every namespace, so a namespace's key (even an admin's) does not read
 * it: only the operator's AXME_METRICS_TOKEN does. With auth off and no token it is open
 * (a development server); AXME_METRICS_PUBLIC opens it on purpose.
 */
function metricsAccess(config: Config) {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const token = config.metricsToken === null ? null : digest(config.metricsToken);
  return async (authorization: string | null): Promise<boolean> => {
    if (config.metricsPublic) return true;
    if (token === null) return !config.authRequired;
    const sent = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    return sent !== undefined && timingSafeEqual(digest(sent), token);
  };
}

const DEFAULT_QUERY = `# Submit an intent, then claim it as an agent, then complete it.
mutation Submit {
  submitIntent(input: { type: "demo.hello", input: { name: "Ada" } }) { id status }
}

query Recent {
  intents(first: 10) { totalCount edges { node { id type status attempt createdAt } } }
}
`;
