import type { Plugin } from 'graphql-yoga';

/** The GET parameters yoga reads with JSON.parse. */
const JSON_PARAMS = ['variables', 'extensions'];

/**
 * A GET whose `variables` or `extensions` is not JSON is the client's mistake: it
 * gets a 400 BAD_USER_INPUT naming the parameter, where yoga's JSON.parse would
 * throw a SyntaxError that surfaces as INTERNAL (and an error in the log). No options.
 */
export function useGetParams(): Plugin {
  return {
    onRequestParse({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET') return;
      for (const name of JSON_PARAMS) {
        const raw = url.searchParams.get(name);
        if (!raw) continue;
        try {
          JSON.parse(raw);
        } catch {
          endResponse(new fetchAPI.Response(JSON.stringify({
            errors: [{ message: `the ${name} parameter is not valid JSON`, extensions: { code: 'BAD_USER_INPUT', field: name } }],
          }), { status: 400, headers: { 'content-type': 'application/json' } }));
          return;
        }
      }
    },
  };
}
