import { createMcpHandler, type AuthInfo, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Plugin } from 'graphql-yoga';
import { authenticate, type Auth } from '../auth/authenticate.ts';
import type { ApiKeys } from '../auth/keys.ts';
import { AxmeError } from '../core/errors.ts';
import type { Services } from '../services/index.ts';
import { answerTaskRequest, isTaskRequest } from './tasks.ts';
import { createMcpServer } from './tools.ts';

export const MCP_PATH = '/mcp';

export interface McpEndpointOptions {
  services: Services;
  keys: ApiKeys;
  authRequired: boolean;
  /** The largest request body the endpoint reads (AXME_MAX_BODY_BYTES). */
  maxBodyBytes: number;
}

/**
 * POST /mcp: MCP over Streamable HTTP (the SDK's createMcpHandler: 2026-07-28
 * per-request exchanges, and 2025-era clients served statelessly). A yoga plugin, so
 * it sits behind the same security headers and cross-site checks (foreign Origin,
 * foreign Host while auth is off) as /graphql. The key is read as for GraphQL
 * (Authorization: Bearer); an unknown key, or none while auth is on, is answered 401
 * before anything of MCP runs.
 */
export function useMcp(o: McpEndpointOptions): Plugin & { handler: McpHttpHandler } {
  const handler = createMcpHandler(
    (ctx) => createMcpServer({ services: o.services }, (ctx.authInfo?.extra?.axme as Auth | undefined) ?? refused()),
    { maxRequestBodySize: o.maxBodyBytes, legacy: 'stateless' },
  );
  return {
    handler,
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== MCP_PATH) return;
      // MCP clients POST JSON; anything else is what a page can send cross-site without a preflight
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (request.method === 'POST' && type !== 'application/json') {
        endResponse(new fetchAPI.Response(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'send MCP messages as application/json' } }), {
          status: 415, headers: { 'content-type': 'application/json' },
        }));
        return;
      }
      let auth: Auth;
      try {
        auth = await authenticate(o.keys, o.authRequired, request.headers.get('authorization'));
      } catch (err) {
        if (!(err instanceof AxmeError) || err.code !== 'UNAUTHENTICATED') throw err;
        endResponse(new fetchAPI.Response(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: err.message } }), {
          status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        }));
        return;
      }
      const authInfo: AuthInfo = { token: '', clientId: auth.keyId ?? 'open', scopes: [auth.role], extra: { axme: auth } };
      if (request.method !== 'POST') {
        endResponse(await handler.fetch(request as unknown as Request, { authInfo }));
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(await request.text());
      } catch {
        endResponse(new fetchAPI.Response(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'the body is not JSON' } }), {
          status: 400, headers: { 'content-type': 'application/json' },
        }));
        return;
      }
      if (isTaskRequest(body)) {
        const answer = await answerTaskRequest(body, { services: o.services, auth, origin: url.origin });
        endResponse(new fetchAPI.Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } }));
        return;
      }
      endResponse(await handler.fetch(request as unknown as Request, { authInfo, parsedBody: body }));
    },
  };
}

/** Never reached: onRequest authenticates before the handler runs. A caller with no rights, should it be. */
function refused(): Auth {
  return { caller: { namespace: '', principal: null, role: 'viewer' }, role: 'viewer', keyId: null, refused: 'no auth' };
}
