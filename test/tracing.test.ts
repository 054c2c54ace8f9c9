import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/core/config.ts';
import { type GqlResult, code, ok, testApp } from './helpers/app.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface Batch {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A stand-in OpenTelemetry collector: keeps every OTLP/HTTP JSON batch posted to /v1/traces. */
let collector: Server;
let endpoint: string;
const batches: Batch[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Batch);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  collector.closeAllConnections();
  await new Promise((resolve) => collector.close(resolve));
});

const spans = () => batches.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v && Object.values(v)[0];
};

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpan = '00f067aa0ba902b7';
  const unsampled = '5bf92f3577b34da6a3ce929d0e0e4737';
  let submitted: { id: string };

  beforeAll(async () => {
    batches.length = 0;
    const t = await testApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    const post = async (query: string, headers: Record<string, string> = {}): Promise<GqlResult<any>> => {
      const res = await t.app.yoga.fetch('http://axme.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return res.json();
    };
    const res = await post('mutation Submit { submitIntent(input: { type: "mail.send", input: { to: "secret@example.com" } }) { id } }', {
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    submitted = ok<{ submitIntent: { id: string } }>(res).submitIntent;
    expect(code(await post('mutation { cancelIntent(input: { id: "01890000-0000-7000-8000-000000000000" }) { id } }'))).toBe('NOT_FOUND');
    expect(code(await post('query { nope }'))).toBe('BAD_USER_INPUT');
    // the caller decided not to sample this trace: nothing of it is exported
    ok(await post('query Unsampled { intents(first: 1) { totalCount } }', { traceparent: `00-${unsampled}-${callerSpan}-00` }));
    // a step that called two models: GenAI attributes on its span
    ok(await post('mutation { submitIntent(input: { type: "llm.draft" }) { id } }'));
    const lease = ok<{ claimIntent: { token: string; intent: { id: string } } }>(
      await post('mutation { claimIntent(input: { types: ["llm.draft"] }) { token intent { id } } }')).claimIntent;
    ok(await post(`mutation Step { recordStep(input: { id: "${lease.intent.id}", leaseToken: "${lease.token}", name: "draft", durationMs: 1,
      usage: [{ provider: "openai", model: "gpt-a", inputTokens: 100, outputTokens: 7 }, { model: "gpt-b", inputTokens: 5, outputTokens: 3 }] }) { seq } }`));
    // a graceful stop flushes what is buffered
    await t.close();
  });

  it('exports the operation as a child of the caller’s traceparent, with what it changed', () => {
    const op = spans().find((s) => s.name === 'mutation Submit')!;
    expect(op).toBeDefined();
    expect(op).toMatchObject({ traceId, parentSpanId: callerSpan, kind: 2 });
    expect(attr(op, 'graphql.operation.type')).toBe('mutation');
    expect(attr(op, 'graphql.operation.name')).toBe('Submit');
    expect(attr(op, 'axme.namespace')).toBe('default');
    expect(attr(op, 'axme.intent.id')).toBe(submitted.id);
    expect(attr(op, 'axme.intent.type')).toBe('mail.send');
    expect(attr(op, 'axme.error.code')).toBeUndefined();
    const service = batches[0]!.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value).toEqual({ stringValue: 'axme' });
  });

  it('exports the database statements under it, without their parameter values', () => {
    const op = spans().find((s) => s.name === 'mutation Submit')!;
    const ids = new Set([op.spanId]);
    // statements hang off the operation directly or off a transaction span under it
    for (const s of spans()) if (s.parentSpanId && ids.has(s.parentSpanId)) ids.add(s.spanId);
    const db = spans().filter((s) => ids.has(s.spanId) && attr(s, 'db.system') === 'postgresql' && attr(s, 'db.statement'));
    expect(db.length).toBeGreaterThan(0);
    expect(db.every((s) => s.traceId === traceId && s.kind === 3)).toBe(true);
    expect(db.some((s) => /insert into intents/i.test(String(attr(s, 'db.statement'))))).toBe(true);
    expect(JSON.stringify(spans())).not.toContain('secret@example.com');
  });

  it('records the error code of a failed operation, and starts a new trace without traceparent', () => {
    const cancel = spans().find((s) => s.name === 'mutation cancelIntent')!;
    expect(attr(cancel, 'axme.error.code')).toBe('NOT_FOUND');
    expect(cancel.status?.code).toBe(2);
    expect(cancel.traceId).not.toBe(traceId);
    expect(cancel.parentSpanId ?? '').toBe('');
    const invalid = spans().find((s) => s.name === 'query nope')!;
    expect(attr(invalid, 'axme.error.code')).toBe('BAD_USER_INPUT');
  });

  it('puts gen_ai.* usage attributes on the span of a step that reported model calls', () => {
    const step = spans().find((s) => s.name === 'mutation Step')!;
    expect(attr(step, 'gen_ai.request.model')).toBe('gpt-a');
    expect(attr(step, 'gen_ai.provider.name')).toBe('openai');
    expect(Number(attr(step, 'gen_ai.usage.input_tokens'))).toBe(105);
    expect(Number(attr(step, 'gen_ai.usage.output_tokens'))).toBe(10);
  });

  it('follows the caller’s sampling decision', () => {
    expect(spans().some((s) => s.name === 'query Unsampled')).toBe(false);
    expect(spans().filter((s) => s.traceId === unsampled)).toEqual([]);
  });
});

describe('configuration', () => {
  it('is off unless an endpoint is set, or when OTEL_SDK_DISABLED says so', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).tracing).toMatchObject({ url: 'http://c:4318/v1/traces', protocol: 'http/protobuf' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c/traces' }).tracing?.url).toBe('https://c/traces');
  });

  it('refuses what it cannot honour', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'c:4318' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/grpc is not supported/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
  });
});

/**
 * Starts a server in a fresh process and lists the OpenTelemetry SDK modules it loaded
 * serving a submit. Not @opentelemetry/api: prom-client requires it whenever it is
 * installed (for exemplars), and on its own it is a no-op facade.
 */
async function otelModulesLoaded(env: Record<string, string>): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); if (r.url.includes('/@opentelemetry/') && !r.url.includes('/@opentelemetry/api/')) seen.add(r.url); return r; } });
    const { createAxme } = await import('./src/app.ts');
    const { loadConfig } = await import('./src/core/config.ts');
    const { createLogger } = await import('./src/core/log.ts');
    const app = await createAxme(loadConfig({ ...process.env, AXME_DATA_DIR: 'memory', AXME_LOG_LEVEL: 'silent' }), createLogger('silent'), { startSweeper: false });
    const res = await app.yoga.fetch('http://axme.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { submitIntent(input: { type: "t" }) { id } }' }) });
    if (!(await res.json()).data) throw new Error('submit failed');
    await app.close();
    console.log(JSON.stringify([...seen]));`;
  const { DATABASE_URL: _db, OTEL_EXPORTER_OTLP_ENDPOINT: _e, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _t, ...base } = process.env;
  const { stdout } = await run('sh', ['scripts/node.sh', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
}

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('loads no OpenTelemetry SDK module (and does with it)', async () => {
    expect(await otelModulesLoaded({})).toEqual([]);
    const on = await otelModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(on.some((u) => u.includes('/@opentelemetry/sdk-trace/'))).toBe(true);
  }, 150_000); // two child processes, each creating an embedded database: slow on a busy machine
});
