import { isIP } from 'node:net';
import type { Plugin } from 'graphql-yoga';

/**
 * What other web pages may make a browser do here. API keys travel in a header, never
 * a cookie, but with auth off (the default `npm start`) any page the developer visits
 * could otherwise drive the API on localhost. Non-browser clients (the CLI, the TS
 * client, curl) send no Origin and a JSON body, and are unaffected.
 */
export interface CrossSiteOptions {
  /** Origins besides the server's own that may call it from a browser (AXME_ALLOWED_ORIGINS). Default none. */
  allowedOrigins?: readonly string[];
  /**
   * Check the Host header (while auth is off). Without a key to steal, a DNS-rebinding page
   * (evil.example resolving to 127.0.0.1) is same-origin with the server; only the name it
   * used gives it away. Default true.
   */
  checkHost?: boolean;
  /** Names besides localhost, *.localhost and IP addresses that are this server (HOST, AXME_ALLOWED_HOSTS); `*` allows any. Default none. */
  allowedHosts?: readonly string[];
  /** The path of GraphQL over HTTP. Default /graphql. */
  graphqlEndpoint?: string;
}

export interface Refusal {
  status: number;
  reason: 'FOREIGN_HOST' | 'FOREIGN_ORIGIN' | 'SIMPLE_CONTENT_TYPE';
  message: string;
}

/** Content types a page can POST cross-site without a CORS preflight (a form, or fetch in no-cors mode). */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** The checks HTTP and WebSocket upgrades share: Host (when on), then Origin. */
export function crossSiteCheck(o: CrossSiteOptions): (headers: { get(name: string): string | null }) => Refusal | null {
  const origins = new Set(o.allowedOrigins ?? []);
  const names = new Set((o.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const anyHost = names.has('*');
  const checkHost = o.checkHost ?? true;

  const hostAllowed = (host: string | null): boolean => {
    if (host === null) return true; // HTTP/1.0 without Host: no browser sends that
    let name: string;
    try {
      name = new URL(`http://${host}`).hostname.toLowerCase();
    } catch {
      return false;
    }
    // an address in the URL bar cannot be rebound: the page came from that address
    if (name.startsWith('[') || isIP(name)) return true;
    return name === 'localhost' || name.endsWith('.localhost') || names.has(name) || names.has(name.replace(/\.$/, ''));
  };

  const originAllowed = (origin: string, host: string | null): boolean => {
    if (origins.has(origin)) return true;
    try {
      const u = new URL(origin);
      // same origin: the page was served by the name it now calls (scheme aside: TLS may end at a proxy)
      return host !== null && u.host === new URL(`${u.protocol}//${host}`).host;
    } catch {
      return false; // "null" (sandboxed frames, file: pages) and garbage
    }
  };

  return (headers) => {
    const host = headers.get('host');
    if (checkHost && !anyHost && !hostAllowed(host)) {
      return {
        status: 403, reason: 'FOREIGN_HOST',
        message: `this server does not answer to the name ${JSON.stringify(host)} while auth is off; add it to AXME_ALLOWED_HOSTS`,
      };
    }
    const origin = headers.get('origin');
    if (origin !== null && !originAllowed(origin, host)) {
      return {
        status: 403, reason: 'FOREIGN_ORIGIN',
        message: `requests from the web origin ${JSON.stringify(origin)} are refused; add it to AXME_ALLOWED_ORIGINS`,
      };
    }
    return null;
  };
}

/**
 * Refuses, on every path, a foreign Host (while checkHost) and a foreign Origin; refuses
 * a GraphQL POST in a content type a browser sends cross-site without a preflight;
 * answers CORS for allowed origins only. Yoga's own CORS must be off (`cors: false`):
 * it reflects any Origin.
 */
export function useCrossSite(o: CrossSiteOptions = {}): Plugin {
  const check = crossSiteCheck(o);
  const endpoint = o.graphqlEndpoint ?? '/graphql';
  const allowed = new Set(o.allowedOrigins ?? []);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const refuse = (r: Refusal) =>
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: r.message, extensions: { code: r.status === 415 ? 'BAD_USER_INPUT' : 'FORBIDDEN', reason: r.reason } }] }), {
          status: r.status, headers: { 'content-type': 'application/json' },
        }));
      const refusal = check(request.headers);
      if (refusal) return refuse(refusal);
      const origin = request.headers.get('origin');
      if (request.method === 'OPTIONS') {
        // only an allowed cross origin gets here with an Origin; a preflight from the same origin never comes
        const headers: Record<string, string> = { 'content-length': '0', vary: 'Origin' };
        if (origin !== null && allowed.has(origin)) {
          Object.assign(headers, {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? 'content-type, authorization',
            'access-control-max-age': '600',
          });
        }
        return endResponse(new fetchAPI.Response(null, { status: 204, headers }));
      }
      if (request.method === 'POST' && url.pathname === endpoint) {
        const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (type === '' || SIMPLE_TYPES.includes(type)) {
          return refuse({
            status: 415, reason: 'SIMPLE_CONTENT_TYPE',
            message: 'send GraphQL as application/json: a form or text/plain body is what another web page can make a browser send',
          });
        }
      }
    },
    onResponse({ request, response }) {
      const origin = request.headers.get('origin');
      if (origin !== null && allowed.has(origin) && request.method !== 'OPTIONS') {
        response.headers.set('access-control-allow-origin', origin);
        response.headers.append('vary', 'Origin');
      }
    },
  };
}
