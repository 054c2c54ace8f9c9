import { createInterface } from 'node:readline';

/**
 * `axme mcp`: MCP over stdio for desktop clients, bridged to a server's /mcp. Each
 * newline-delimited JSON-RPC message from stdin is POSTed to the endpoint with the
 * API key; what the endpoint answers (one JSON body, or the messages of an SSE
 * stream) goes to stdout, one message a line. It keeps no state of its own: the
 * server serves each request on its own, so the bridge may restart at any time.
 * Diagnostics go to stderr (stdout belongs to the protocol).
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
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let message: { id?: unknown; method?: unknown };
    try {
      message = JSON.parse(line);
    } catch {
      write({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'not JSON' } });
      continue;
    }
    const sent = relay(o.mcpUrl, headers, line, message);
    chain = chain.then(async () => {
      for (const out of await sent) write(out);
    });
  }
  await chain;
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
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (type.startsWith('text/event-stream')) {
    // each event's data lines make one message
    return text.split(/\r?\n\r?\n/).map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')).filter(Boolean);
  }
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
