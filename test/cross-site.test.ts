// What another web page can make a browser do to a server on localhost with auth off
// (the default `npm start`): nothing. Over a real socket, with the headers a browser sends.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../src/core/config.ts';
import { freshDb, type TestDb } from './helpers/db.ts';
import { post, startInstance, wsClient, type Instance } from './helpers/live.ts';

let tdb: TestDb;
let s: Instance;
let origin: string;
const FRIEND = 'https://app.example.com';

beforeAll(async () => {
  tdb = await freshDb();
  s = await startInstance(tdb.db, { AXME_ALLOWED_ORIGINS: FRIEND, AXME_ALLOWED_HOSTS: 'axme.internal' });
  origin = new URL(s.url).origin;
});
afterAll(async () => {
  await s.running.shutdown();
  await tdb.close();
});

/** One HTTP request with exactly these headers (fetch would not send a chosen Host). */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(path, s.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.once('error', reject).end(body);
  });
}

const count = async (type: string) =>
  (await post(s.url, 'query($t: String!) { intents(filter: { type: [$t] }) { totalCount } }', { t: type })).data.intents.totalCount as number;
const submitText = (type: string) => `mutation { submitIntent(input: { type: "${type}" }) { id } }`;
const host = () => new URL(s.url).host;

describe('requests a browser sends cross-site without a preflight', () => {
  it('refuses a form POST (urlencoded or multipart) and a text/plain body, with or without an Origin, and runs nothing', async () => {
    const type = 'csrf.form';
    const form = `query=${encodeURIComponent(submitText(type))}`;
    const json = JSON.stringify({ query: submitText(type) });
    const attempts = [
      await raw('POST', '/graphql', { host: host(), origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, form),
      // an old browser, or a privacy extension, may leave the Origin out
      await raw('POST', '/graphql', { host: host(), 'content-type': 'application/x-www-form-urlencoded' }, form),
      await raw('POST', '/graphql', { host: host(), 'content-type': 'text/plain;charset=UTF-8' }, json),
      await raw('POST', '/graphql', { host: host(), 'content-type': 'multipart/form-data; boundary=x' }, `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${json}\r\n--x--\r\n`),
      await raw('POST', '/graphql', { host: host() }, json),
    ];
    expect(attempts.map((r) => r.status)).toEqual([403, 415, 415, 415, 415]);
    expect(JSON.parse(attempts[0]!.body).errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'FOREIGN_ORIGIN' });
    expect(JSON.parse(attempts[1]!.body).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'SIMPLE_CONTENT_TYPE' });
    expect(await count(type)).toBe(0);
  });

  it('never runs a mutation sent as a GET query', async () => {
    const r = await raw('GET', `/graphql?query=${encodeURIComponent(submitText('csrf.get'))}`, { host: host(), accept: 'application/json' });
    expect(r.status).toBe(405);
    expect(await count('csrf.get')).toBe(0);
  });
});

describe('Origin', () => {
  it('refuses a JSON POST from a foreign origin and answers its preflight with no CORS grant', async () => {
    const pre = await raw('OPTIONS', '/graphql', {
      host: host(), origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type',
    });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const r = await raw('POST', '/graphql', { host: host(), origin: 'http://evil.example', 'content-type': 'application/json' }, JSON.stringify({ query: submitText('csrf.json') }));
    expect(r.status).toBe(403);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(await count('csrf.json')).toBe(0);
  });

  it('serves the same origin (the dashboard, GraphiQL), AXME_ALLOWED_ORIGINS with CORS, and clients that send no Origin', async () => {
    const same = await raw('POST', '/graphql', { host: host(), origin, 'content-type': 'application/json' }, JSON.stringify({ query: submitText('csrf.same') }));
    expect(same.status).toBe(200);
    const pre = await raw('OPTIONS', '/graphql', { host: host(), origin: FRIEND, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' });
    expect(pre).toMatchObject({ status: 204, headers: { 'access-control-allow-origin': FRIEND, 'access-control-allow-headers': 'content-type, authorization' } });
    const friend = await raw('POST', '/graphql', { host: host(), origin: FRIEND, 'content-type': 'application/json' }, JSON.stringify({ query: submitText('csrf.same') }));
    expect(friend).toMatchObject({ status: 200, headers: { 'access-control-allow-origin': FRIEND } });
    expect((await post(s.url, submitText('csrf.same'))).data.submitIntent.id).toBeTruthy();
    expect(await count('csrf.same')).toBe(3);
  });
});

describe('Host, while auth is off (DNS rebinding)', () => {
  it('refuses a name that is not this server, on the API and the dashboard alike', async () => {
    const port = new URL(s.url).port;
    for (const path of ['/graphql', '/ui/', '/metrics']) {
      const r = path === '/graphql'
        ? await raw('POST', path, { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json' }, JSON.stringify({ query: submitText('csrf.rebind') }))
        : await raw('GET', path, { host: `evil.example:${port}` });
      expect([path, r.status]).toEqual([path, 403]);
    }
    expect(await count('csrf.rebind')).toBe(0);
    for (const name of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `dev.localhost:${port}`, `axme.internal:${port}`]) {
      expect([name, (await raw('GET', '/healthz', { host: name })).status, (await raw('GET', '/ui/', { host: name })).status]).toEqual([name, 200, 200]);
    }
  });

  it('leaves the Host alone while auth is on: a rebinding page has no key', async () => {
    const on = await startInstance(tdb.db, { AXME_AUTH: 'on' });
    try {
      const u = new URL(on.url);
      const status = await new Promise<number>((resolve, reject) =>
        httpRequest({ host: u.hostname, port: u.port, path: '/healthz', headers: { host: `axme.example.com:${u.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).once('error', reject).end());
      expect(status).toBe(200);
    } finally {
      await on.running.shutdown();
    }
  });
});

describe('WebSocket upgrades', () => {
  /** The HTTP status the handshake got: 101 when the socket opened. */
  const handshake = (headers: Record<string, string>, opts: { origin?: string } = {}) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(s.wsUrl, 'graphql-transport-ws', { headers, ...opts });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode!);
      });
    });

  it('refuses a cross-origin socket and a foreign Host, and opens for the same origin and for clients without an Origin', async () => {
    expect(await handshake({}, { origin: 'http://evil.example' })).toBe(403);
    expect(await handshake({ host: 'evil.example' })).toBe(403);
    expect(await handshake({}, { origin })).toBe(101);
    expect(await handshake({}, { origin: FRIEND })).toBe(101);
    const client = wsClient(s.wsUrl);
    try {
      const first = await new Promise<any>((resolve, reject) =>
        client.subscribe({ query: '{ intents(first: 1) { totalCount } }' }, { next: resolve, error: reject, complete: () => {} }));
      expect(first.data.intents.totalCount).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });
});

describe('configuration', () => {
  it('takes origins as scheme, host and port, and host names without a port; anything else is reported', () => {
    const c = loadConfig({ AXME_ALLOWED_ORIGINS: 'https://App.example.com/, http://localhost:5173', AXME_ALLOWED_HOSTS: 'Axme.Internal, *' });
    expect([c.allowedOrigins, c.allowedHosts]).toEqual([['https://app.example.com', 'http://localhost:5173'], ['axme.internal', '*']]);
    expect(() => loadConfig({ AXME_ALLOWED_ORIGINS: 'https://app.example.com/path,app.example.com', AXME_ALLOWED_HOSTS: 'axme.internal:4000' }))
      .toThrow(/AXME_ALLOWED_ORIGINS: https:\/\/app.example.com\/path[\s\S]*AXME_ALLOWED_ORIGINS: app.example.com[\s\S]*AXME_ALLOWED_HOSTS: axme.internal:4000/);
  });
});

describe('response headers', () => {
  it('gives the dashboard a CSP with script-src \'self\' and no framing, and every response nosniff and no Referer', async () => {
    const ui = await raw('GET', '/ui/', { host: host() });
    expect(ui.status).toBe(200);
    const csp = String(ui.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(ui.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    const graphiql = await raw('GET', '/graphql', { host: host(), accept: 'text/html' });
    expect(graphiql.status).toBe(200);
    expect(graphiql.headers).toMatchObject({ 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
    const api = await raw('POST', '/graphql', { host: host(), 'content-type': 'application/json' }, JSON.stringify({ query: '{ __typename }' }));
    expect(api.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  });
});
