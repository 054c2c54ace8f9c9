import type { Plugin } from 'graphql-yoga';

/**
 * /healthz answers 200 while the process serves; /readyz answers 200 only while
 * the database answers and the server is not shutting down, so a load balancer
 * stops sending work before it is lost.
 */
export function useHealth(ready: () => Promise<boolean>): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response('ok\n', { status: 200, headers: { 'content-type': 'text/plain' } }));
      } else if (url.pathname === '/readyz') {
        const ok = await ready();
        endResponse(
          new fetchAPI.Response(ok ? 'ready\n' : 'not ready\n', { status: ok ? 200 : 503, headers: { 'content-type': 'text/plain' } }),
        );
      }
    },
  };
}
