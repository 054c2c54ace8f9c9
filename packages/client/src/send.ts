/**
 * How the client sends a GraphQL request. On Node (and runtimes with its http module)
 * requests go over node:http with a keep-alive agent: measured on loopback, a round trip
 * costs ~0.11 ms of CPU there against ~0.5 ms through fetch, and an agent makes five
 * of them per durable run. Elsewhere (browsers, or a `fetch` the caller passes) they go
 * through fetch. The module is found at run time (process.getBuiltinModule), never
 * imported, so bundles for browsers do not pull it in.
 */

/**
 * One POST: its status and body text. Rejects on a network error, or the signal's reason
 * on abort. `close()`, where present, lets go of idle connections (AxmeClient.close).
 */
export type SendRequest = ((url: string, init: { headers: Record<string, string>; body: string; signal?: AbortSignal | null }) => Promise<{ status: number; text: string }>) & {
  close?: () => void;
};

/** Requests through a fetch function. */
export function fetchSender(f: typeof fetch): SendRequest {
  return async (url, init) => {
    const res = await f(url, { method: 'POST', headers: init.headers, body: init.body, signal: init.signal ?? null });
    return { status: res.status, text: await res.text() };
  };
}

// The little of node:http this uses, typed here: the package builds without Node's types.
interface IncomingMessage {
  statusCode?: number;
  on(event: 'data', fn: (chunk: Uint8Array) => void): void;
  on(event: 'end', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}
interface ClientRequest {
  on(event: 'error', fn: (err: Error) => void): void;
  end(body: Uint8Array): void;
}
interface Agent {
  destroy(): void;
}
interface HttpModule {
  Agent: new (o: { keepAlive: boolean; timeout: number }) => Agent;
  request(url: URL, o: Record<string, unknown>, onResponse: (res: IncomingMessage) => void): ClientRequest;
}
type GetBuiltin = (id: string) => unknown;

type Env = Record<string, string | undefined>;

/**
 * node:http(s) when the runtime has them and no proxy is set in the environment (fetch
 * follows it where the runtime lets it). A global dispatcher set up for fetch (a proxy,
 * a CA, mTLS) is fetch's own: pass `fetch` to the client to keep using it.
 */
function httpModules(): { http: HttpModule; https: HttpModule } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltin; env?: Env } }).process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  const env = proc?.env ?? {};
  if (['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].some((k) => env[k])) return null;
  const http = get('node:http') as HttpModule | undefined;
  const https = get('node:https') as HttpModule | undefined;
  return http && https ? { http, https } : null;
}

/** Idle connections close after this, as fetch's do: before a server's or proxy's keep-alive timeout (Node's is 5 s). */
const IDLE_MS = 4000;

/**
 * Requests over node:http(s) with a keep-alive agent of the client's own (idle sockets do
 * not hold the process open, and close after IDLE_MS). Null where the runtime has no
 * node:http, or fetch is set up to go through a proxy.
 */
export function nodeSender(): SendRequest | null {
  const mods = httpModules();
  if (!mods) return null;
  const agents = { 'http:': new mods.http.Agent({ keepAlive: true, timeout: IDLE_MS }), 'https:': new mods.https.Agent({ keepAlive: true, timeout: IDLE_MS }) };
  const send: SendRequest = (url, init) => new Promise((resolve, reject) => {
    const target = new URL(url);
    const protocol = target.protocol as keyof typeof agents;
    const mod = protocol === 'https:' ? mods.https : mods.http;
    if (!agents[protocol]) return reject(new TypeError(`unsupported protocol ${target.protocol}`));
    if (init.signal?.aborted) return reject(init.signal.reason);
    const body = encoder.encode(init.body);
    const req = mod.request(target, {
      method: 'POST',
      agent: agents[protocol],
      headers: { ...init.headers, 'content-length': String(body.length) },
      ...(init.signal ? { signal: init.signal } : {}),
    }, (res) => {
      const decoder = new TextDecoder();
      let text = '';
      res.on('data', (c) => (text += decoder.decode(c, { stream: true })));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text + decoder.decode() }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(init.signal?.aborted ? init.signal.reason : err));
    req.end(body);
  });
  send.close = () => {
    agents['http:'].destroy();
    agents['https:'].destroy();
  };
  return send;
}

const encoder = new TextEncoder();

/** The default: node:http where there is one, else the global fetch. */
export function defaultSender(): SendRequest {
  return nodeSender() ?? fetchSender((...a) => fetch(...a));
}
