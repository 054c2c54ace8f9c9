/**
 * The typed client's request timeout: a server that takes a request and never answers
 * (a host gone without closing the connection) fails the request after `timeoutMs`
 * instead of holding it for ever, while a long poll's own wait is never cut short.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, NetworkError } from '@axme/client';
import { type Served, useServed } from './helpers/served.ts';

let s: Served;
useServed({}, (x) => (s = x));

// accepts connections and reads requests, but never answers one
const held = new Set<Socket>();
const closed: Socket[] = [];
const silent = createServer((socket) => {
  held.add(socket);
  socket.on('data', () => {});
  socket.on('close', () => closed.push(socket));
});
let silentUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  silentUrl = `http://127.0.0.1:${port}/graphql`;
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

it('fails a request a server never answers with a NetworkError after timeoutMs, and lets go of its connection', async () => {
  const client = createClient({ url: silentUrl, timeoutMs: 200 });
  const err = await client.get('01900000-0000-7000-8000-000000000000').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  expect((err as NetworkError).message).toMatch(/no answer within 200 ms/);
  for (let i = 0; i < 100 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(closed.length).toBeGreaterThan(0);
  await client.close();
});

it('gives a long poll its whole wait before the timeout starts counting', async () => {
  const client = createClient({ url: s.server.url, timeoutMs: 1000 });
  // nothing to claim: the server answers after waitSeconds (3 s), three times timeoutMs
  expect(await client.claimMany({ types: [`client-timeout.${Date.now()}`], limit: 1, waitSeconds: 3 })).toEqual([]);
  await client.close();
});

it('times out a custom send that ignores its signal, and sets no limit for a timeoutMs of 0 or Infinity', async () => {
  const answer = { status: 200, text: JSON.stringify({ data: { intent: null } }) };
  const never = createClient({ url: silentUrl, timeoutMs: 100, send: () => new Promise(() => {}) });
  await expect(never.get('01900000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NetworkError);
  for (const timeoutMs of [0, Infinity]) {
    // a limit of 0 ms (or Infinity, which timers take as 1 ms) would fail this 50 ms answer
    const slow = createClient({ url: silentUrl, timeoutMs, send: () => new Promise((r) => setTimeout(() => r(answer), 50)) });
    expect(await slow.get('01900000-0000-7000-8000-000000000000')).toBeNull();
  }
});

it('still rejects with the caller’s own reason when the caller aborts', async () => {
  const client = createClient({ url: silentUrl, timeoutMs: 10_000 });
  const stop = new AbortController();
  const waiting = client.claimMany({ types: ['t'], limit: 1, waitSeconds: 5 }, stop.signal).catch((e: unknown) => e);
  stop.abort(new Error('stopped by the caller'));
  expect(await waiting).toMatchObject({ message: 'stopped by the caller' });
  await client.close();
});
