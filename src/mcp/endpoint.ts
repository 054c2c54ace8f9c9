import { createMcpHandler, type AuthInfo, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { Plugin } from 'graphql-yoga';
import { authenticate, type Auth } from '../auth/authenticate.ts';
import type { ApiKeys } from '../auth/keys.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { Revocations } from '../auth/revocations.ts';
import { AxmeError } from '../core/errors.ts';
import type { LiveService } from '../live/service.ts';
import type { Services } from '../services/index.ts';
import { isTaskListen, TaskStreams } from './task-notifications.ts';
import { answerTaskRequest, isTaskRequest } from './tasks.ts';
import { createMcpServer } from './tools.ts';

export const MCP_PATH = '/mcp';

export interface McpEndpointOptions {
  services: Services;
  /** Feeds task status notifications and await_intent (src/live). */
  live: LiveService;
  keys: ApiKeys;
  /** The per-key budget GraphQL draws on too (AXME_RATE_LIMIT). */
  rateLimiter: RateLimiter;
  /** Ends a revoked key's notification streams. */
  revocations: Revocations;
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
 * before anything of MCP runs. Each request then takes a token from the key's rate
 * budget, shared with GraphQL: over it, HTTP 429 with Retry-After and a JSON-RPC error
 * whose data says RATE_LIMITED and retryAfterSeconds.
 */
export function useMcp(o: McpEndpointOptions): Plugin & { handler: McpHttpHandler; close(): Promise<void> } {
  const handler = createMcpHandler(
    (ctx) => createMcpServer({ services: o.services, live: o.live }, (ctx.authInfo?.extra?.axme as Auth | undefined) ?? refused()),
    { maxRequestBodySize: o.maxBodyBytes, legacy: 'stateless' },
  );
  const taskStreams = new TaskStreams();
  const json = (fetchAPI: { Response: typeof Response }, body: unknown, status: number, headers: Record<string, string> = {}) =>
    new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  return {
    handler,
    async close() {
      taskStreams.closeAll();
      await handler.close();
    },
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
      const limited = o.rateLimiter.take(auth.keyId);
      if (limited) {
        const retryAfterSeconds = limited.details!.retryAfterSeconds as number;
        const id = request.method === 'POST' ? await requestId(request) : null;
        endResponse(json(fetchAPI, { jsonrpc: '2.0', id, error: { code: -32000, message: `RATE_LIMITED: ${limited.message}`, data: { code: 'RATE_LIMITED', retryAfterSeconds } } }, 429, {
          'retry-after': String(retryAfterSeconds),
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
      if (isTaskListen(body)) {
        const answer = await taskStreams.serve(body, { services: o.services, live: o.live, auth, origin: url.origin, signal: request.signal, revocations: o.revocations });
        endResponse('error' in answer
          ? json(fetchAPI, answer.error, 200)
          : new fetchAPI.Response(answer.stream, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } }));
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

/** The JSON-RPC id of a refused request, when its body says one. */
async function requestId(request: Request): Promise<string | number | null> {
  try {
    const body = JSON.parse(await request.text()) as { id?: unknown };
    return typeof body.id === 'string' || typeof body.id === 'number' ? body.id : null;
  } catch {
    return null;
  }
}

/** Never reached: onRequest authenticates before the handler runs. A caller with no rights, should it be. */
function refused(): Auth {
  return { caller: { namespace: '', principal: null, role: 'viewer' }, role: 'viewer', keyId: null, refused: 'no auth' };
}
