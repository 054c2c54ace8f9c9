import { createInterface } from 'node:readline';

/**
 * `axme mcp`: MCP over stdio for desktop clients, bridged to a server's /mcp. Each
 * newline-delimited JSON-RPC message from stdin is POSTed to the endpoint with the
 * API key; what the endpoint answers (one JSON body, or the messages of an SSE
 * stream) goes to stdout, one message a line. It keeps no state of its own: the
 * server serves each request on its own, so the bridge may restart at any time.
 * Diagnostics go to stderr (stdout belongs to the protocol).
 *
 * A `subscriptions/listen` (task status notifications) is the one request whose answer
 * never ends: its messages are written as they arrive, outside the request order, and a
 * `notifications/cancelled` naming it closes it.
 */
export async function mcpBridge(o: { mcpUrl: string; apiKey?: string | undefined }): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
  };
  const write = (msg: unknown) => process.stdout.write(`${typeof msg === 'string' ? msg : JSON.stringify(msg)}\n`);
  // answers in the order requests came, as a stdio server would; requests still run concurrently
  let chain = Promise.resolve();
  const listening = new Map<unknown, AbortController>();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let message: { id?: unknown; method?: unknown; params?: unknown };
    try {
      message = JSON.parse(line);
    } catch {
      write({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'not JSON' } });
      continue;
    }
    if (message.method === 'subscriptions/listen' && message.id !== undefined) {
      const abort = new AbortController();
      listening.set(message.id, abort);
      void listen(o.mcpUrl, eraHeaders(headers, message), line, message, abort.signal, write).finally(() => listening.delete(message.id));
      continue;
    }
    if (message.method === 'notifications/cancelled') {
      const id = (message as { params?: { requestId?: unknown } }).params?.requestId;
      if (listening.has(id)) {
        listening.get(id)!.abort();
        continue;
      }
    }
    const sent = relay(o.mcpUrl, eraHeaders(headers, message), line, message);
    chain = chain.then(async () => {
      for (const out of await sent) write(out);
    });
  }
  await chain;
  for (const abort of listening.values()) abort.abort();
}

/**
 * A 2026-07-28 request says its revision in `_meta`; over HTTP that claim also travels
 * as headers (as the SDK's HTTP transport sends them), without which the endpoint
 * serves the message as 2025-era traffic.
 */
function eraHeaders(headers: Record<string, string>, message: { method?: unknown; params?: unknown }): Record<string, string> {
  const params = (message.params ?? {}) as Record<string, unknown>;
  const version = (params._meta as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/protocolVersion'];
  if (typeof version !== 'string' || typeof message.method !== 'string') return headers;
  const out = { ...headers, 'mcp-protocol-version': version, 'mcp-method': message.method };
  // the server checks that Mcp-Name mirrors the field the method names
  const field = Object.hasOwn(MCP_NAME_FIELD, message.method) ? MCP_NAME_FIELD[message.method] : undefined;
  const name = field ? params[field] : undefined;
  return typeof name === 'string' ? { ...out, 'mcp-name': headerValue(name) } : out;
}

/** The body field each method's Mcp-Name header carries (Streamable HTTP, 2026-07-28). */
const MCP_NAME_FIELD: Record<string, string> = {
  'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri', 'tasks/get': 'taskId', 'tasks/update': 'taskId', 'tasks/cancel': 'taskId',
};

/** A header value as the SDK encodes one: as is when plain printable ASCII, else base64 between =?base64? and ?=. */
function headerValue(v: string): string {
  const plain = v.length > 0 && v === v.trim() && !(v.startsWith('=?base64?') && v.endsWith('?=')) && /^[\t\x20-\x7e]*$/.test(v);
  return plain ? v : `=?base64?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}

/** Relays a listen stream's messages as they come, until the server ends it or the client cancels it. */
async function listen(url: string, headers: Record<string, string>, body: string, message: { id?: unknown }, signal: AbortSignal, write: (m: unknown) => void): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal });
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !res.body) {
      for (const out of await answer(res, message)) write(out);
      return;
    }
    const decoder = new TextDecoder();
    let buffered = '';
    let ended = false;
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      const events = buffered.split(/\r?\n\r?\n/);
      buffered = events.pop()!;
      for (const m of sseMessages(events)) {
        write(m);
        // the server's own end of the subscription: its response to the listen request
        ended ||= /"id":/.test(m) && !/"method":/.test(m);
      }
    }
    if (!ended && !signal.aborted) throw new Error('the stream ended without the server closing the subscription');
  } catch (err) {
    if (signal.aborted) return;
    process.stderr.write(`axme mcp: a subscription to ${url} ended: ${(err as Error).message}\n`);
    // as a remote close, so the client may listen again
    write({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `the subscription ended: ${(err as Error).message}` } });
  }
}

/** The JSON-RPC messages of SSE events: each event's data lines make one message. */
function sseMessages(events: string[]): string[] {
  return events.map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')).filter(Boolean);
}

async function relay(url: string, headers: Record<string, string>, body: string, message: { id?: unknown; method?: unknown }): Promise<string[]> {
  const failed = (text: string) => (message.id === undefined ? [] : [JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: text } })]);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body });
  } catch (err) {
    process.stderr.write(`axme mcp: ${url} unreachable: ${(err as Error).message}\n`);
    return failed(`the Axme server at ${url} is unreachable`);
  }
  return answer(res, message);
}

/** What one response says, as the messages to write. */
async function answer(res: Response, message: { id?: unknown }): Promise<string[]> {
  const failed = (text: string) => (message.id === undefined ? [] : [JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: text } })]);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (type.startsWith('text/event-stream')) return sseMessages(text.split(/\r?\n\r?\n/));
  if (!text.trim()) return [];
  try {
    const parsed = JSON.parse(text) as { jsonrpc?: unknown; errors?: { message: string }[] };
    if (parsed.jsonrpc === '2.0') return [text.trim()];
    // the server's gates answer in GraphQL's error shape (a foreign Host, say)
    return failed(`HTTP ${res.status}: ${parsed.errors?.[0]?.message ?? text}`);
  } catch {
    return failed(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
}
