import type { Plugin } from 'graphql-yoga';

/**
 * Refuses a request body over `maxBytes` before anything reads it. Bodies must
 * say their length: a POST without Content-Length (chunked) is refused too, since
 * it could only be measured by reading it.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const len = request.headers.get('content-length');
      const error = (status: number, message: string, code: string) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      if (len === null) return error(411, 'send the request body with a Content-Length', 'BAD_USER_INPUT');
      const n = Number(len);
      if (!Number.isFinite(n) || n < 0) return error(400, 'invalid Content-Length', 'BAD_USER_INPUT');
      if (n > maxBytes) return error(413, `request body is ${n} bytes; the limit is ${maxBytes}`, 'PAYLOAD_TOO_LARGE');
    },
  };
}
