import type { Plugin } from 'graphql-yoga';
import type { AppMetrics } from '../../metrics.ts';

/**
 * GET /metrics answers the Prometheus text exposition, without authentication
 * (scrapers carry no API key), on the API's own port; AXME_METRICS=off turns it
 * off where that port is reachable by people who should not see type names and queue sizes.
 */
export function useMetrics(metrics: AppMetrics): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response('GET only\n', { status: 405, headers: { allow: 'GET', 'content-type': 'text/plain' } }));
        return;
      }
      endResponse(new fetchAPI.Response(await metrics.scrape(), { status: 200, headers: { 'content-type': metrics.contentType } }));
    },
  };
}
