import type { Plugin } from 'graphql-yoga';
import type { AppMetrics } from '../../telemetry/metrics.ts';

/**
 * GET /metrics answers the Prometheus text exposition on the API's own port. Its
 * counts span every namespace, so while auth is on a scraper sends an admin key as a
 * bearer token (Prometheus' `authorization` setting), unless AXME_METRICS_PUBLIC
 * opens the path; AXME_METRICS=off removes it.
 */
export function useMetrics(metrics: AppMetrics, allowed: (authorization: string | null) => Promise<boolean>): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response('GET only\n', { status: 405, headers: { allow: 'GET', 'content-type': 'text/plain' } }));
        return;
      }
      if (!(await allowed(request.headers.get('authorization')))) {
        endResponse(new fetchAPI.Response('an admin API key is required: Authorization: Bearer <key>\n', {
          status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' },
        }));
        return;
      }
      endResponse(new fetchAPI.Response(await metrics.scrape(), { status: 200, headers: { 'content-type': metrics.contentType } }));
    },
  };
}
