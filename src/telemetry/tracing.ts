/**
 * OpenTelemetry tracing, on when config.tracing is set. Every OpenTelemetry module is
 * imported here, lazily: with tracing off none is loaded and the hooks below are no-ops.
 * Only type imports at the top (erased), never a value import.
 */
import type * as otel from '@opentelemetry/api';
import type { TracingConfig } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Change } from '../store/events.ts';

export interface Tracing {
  api: typeof otel;
  tracer: otel.Tracer;
  /** The caller's trace context from W3C `traceparent` / `tracestate` (and `baggage`) headers. */
  extract(headers: Headers): otel.Context;
  /** Exports what is buffered and stops; waits at most SHUTDOWN_MS for the collector. */
  shutdown(): Promise<void>;
}

const SHUTDOWN_MS = 5_000;
let current: Tracing | null = null;

export async function startTracing(config: TracingConfig, log: Logger): Promise<Tracing> {
  const [api, sdk, core, resources, { AsyncLocalStorageContextManager }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks'),
    config.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  // failed exports show in our log instead of vanishing; headers and timeouts come from OTEL_EXPORTER_OTLP_*
  const warn = (msg: string, ...args: unknown[]) => log.warn({ args }, `opentelemetry: ${msg}`);
  api.diag.setLogger({ error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} }, api.DiagLogLevel.WARN);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(contextManager);
  const provider = new sdk.TracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ 'service.name': 'axme' }))
      .merge(resources.detectResources({ detectors: [resources.envDetector] })),
    sampler: sampler(sdk, config),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.url }) })],
  });
  const propagator = new core.CompositePropagator({
    propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
  });
  const getter: otel.TextMapGetter<Headers> = { get: (h, key) => h.get(key) ?? undefined, keys: (h) => [...h.keys()] };
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    api,
    tracer: provider.getTracer('axme'),
    extract: (headers) => propagator.extract(api.ROOT_CONTEXT, headers, getter),
    shutdown: () =>
      (stopped ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_MS)));
        await Promise.race([provider.shutdown().catch((err: unknown) => log.warn({ err }, 'opentelemetry: shutdown failed')), late]);
        clearTimeout(timer);
        if (current === tracing) current = null;
        // a later start in this process (tests) registers its own
        api.context.disable();
        api.diag.disable();
      })()),
  };
  current = tracing;
  return tracing;
}

function sampler(sdk: typeof import('@opentelemetry/sdk-trace'), c: TracingConfig): import('@opentelemetry/sdk-trace').Sampler {
  const root = c.sampler.endsWith('always_off') ? new sdk.AlwaysOffSampler()
    : c.sampler.endsWith('traceidratio') ? new sdk.TraceIdRatioBasedSampler(c.samplerRatio)
    : new sdk.AlwaysOnSampler();
  return c.sampler.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
}

/** Puts the intent a request changed on its operation span (a bulk change: how many). */
export function traceChanges(changes: readonly Change[]): void {
  if (!current || changes.length === 0) return;
  const span = current.api.trace.getActiveSpan();
  if (!span?.isRecording()) return;
  if (changes.length > 1) {
    span.setAttribute('axme.intents.changed', changes.length);
    return;
  }
  const { intent, event } = changes[0]!;
  span.setAttributes({ 'axme.intent.id': intent.id, 'axme.intent.type': intent.type, 'axme.intent.status': intent.status, 'axme.event.kind': event.kind });
}

/**
 * OpenTelemetry GenAI attributes on the recordStep span: the model (the first call's; all
 * of them in gen_ai.request.models when a step called several) and the tokens summed.
 */
export function traceLlmUsage(calls: readonly { provider: string | null; model: string; inputTokens: number; outputTokens: number }[]): void {
  if (!current || calls.length === 0) return;
  const span = current.api.trace.getActiveSpan();
  if (!span?.isRecording()) return;
  const models = [...new Set(calls.map((u) => u.model))];
  const provider = calls.find((u) => u.provider)?.provider;
  span.setAttributes({
    'gen_ai.request.model': models[0]!,
    'gen_ai.usage.input_tokens': calls.reduce((n, u) => n + u.inputTokens, 0),
    'gen_ai.usage.output_tokens': calls.reduce((n, u) => n + u.outputTokens, 0),
    ...(models.length > 1 ? { 'gen_ai.request.models': models } : {}),
    ...(provider ? { 'gen_ai.provider.name': provider } : {}),
  });
}
