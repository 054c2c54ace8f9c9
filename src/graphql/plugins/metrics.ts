import type { Plugin } from 'graphql-yoga';
import type { AppMetrics } from '../../telemetry/metrics.ts';

/**
 * GET /metrics answers the Prometheus text exposition on the API's own port. Its
 * counts span every namespace, so a scraper sends the operator's AXME_METRICS_TOKEN as
 * a bearer token (Prometheus' `authorization` setting); `allowed` decides (yoga.ts).
 * AXME_METRICS=off removes the path.
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
        endResponse(new fetchAPI.Response('the operator token is required: Authorization: Bearer <AXME_METRICS_TOKEN> (API keys belong to one namespace; these series span all)\n', {
          status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' },
        }));
        return;
      }
      endResponse(new fetchAPI.Response(await metrics.scrape(), { status: 200, headers: { 'content-type': metrics.contentType } }));
    },
  };
}
