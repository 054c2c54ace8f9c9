import type { Plugin } from 'graphql-yoga';

/**
 * The dashboard's policy: its own scripts, styles and API only (connect-src 'self'
 * covers ws: to the same host), no framing, no plugins, no <base> tricks. It holds an
 * API key in the browser, so an injected script or a framing page must get nowhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecurityHeadersOptions {
  /** Paths under this prefix (and `/`) get DASHBOARD_CSP. Default /ui. */
  dashboardPath?: string;
}

/**
 * Response headers for every path: no MIME sniffing, no Referer leaving the server (a
 * URL may carry an intent id), no framing anywhere (clickjacking an approve button).
 * The dashboard gets the full CSP above; other pages only `frame-ancestors 'none'`:
 * GraphiQL's page carries its own policy in a meta tag, with its inline scripts by hash.
 */
export function useSecurityHeaders(o: SecurityHeadersOptions = {}): Plugin {
  const prefix = o.dashboardPath ?? '/ui';
  return {
    onResponse({ request, response }) {
      const path = new URL(request.url, 'http://localhost').pathname;
      const h = response.headers;
      h.set('x-content-type-options', 'nosniff');
      h.set('referrer-policy', 'no-referrer');
      h.set('x-frame-options', 'DENY');
      const dashboard = path === '/' || path === prefix || path.startsWith(`${prefix}/`);
      if (!h.has('content-security-policy')) h.set('content-security-policy', dashboard ? DASHBOARD_CSP : "frame-ancestors 'none'");
    },
  };
}
