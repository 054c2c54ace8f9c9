// How results leave a graphql-ws socket (src/graphql/ws-send.ts): a query's or mutation's one
// result counts as sent once queued, so graphql-ws puts its complete in the same write; a
// subscription's results wait for their writes, which paces them to the reader; the bytes of
// either stay held until the socket has written them.
import { expect, it } from 'vitest';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ConnectionBudget } from '../src/graphql/delivery-budget.ts';
import { sendCheaply, serialise, standIn } from '../src/graphql/ws-send.ts';

function fakeSocket() {
  const writes: { data: string; done: (err?: Error) => void }[] = [];
  const ws = { send: (data: string, cb: (err?: Error) => void) => void writes.push({ data, done: cb }) } as unknown as WebSocket;
  const raw = { cork() {}, uncork() {} } as unknown as Duplex;
  let released = 0;
  const budget = { release: (bytes: number) => void (released += bytes) } as unknown as ConnectionBudget;
  sendCheaply(ws, raw, budget);
  return { ws, writes, released: () => released };
}

// graphql-ws' own message around the payload it was handed
const nextMessage = (id: string, payload: unknown) => JSON.stringify({ id, type: 'next', payload });
const turn = () => new Promise<void>((resolve) => queueMicrotask(resolve));

it("takes a query's result as sent once queued, and releases its bytes only once written", async () => {
  const s = fakeSocket();
  const result = { data: { recordStep: { seq: 3 } } };
  const serialised = serialise(result);
  let sent = false;
  s.ws.send(nextMessage('q1', standIn(result, serialised, true)), () => void (sent = true));
  await turn();
  expect(sent).toBe(true);
  expect(s.writes[0]!.data).toBe(`{"id":"q1","type":"next","payload":${serialised.json}}`);
  expect(s.released()).toBe(0);
  s.writes[0]!.done();
  expect(s.released()).toBe(serialised.bytes);
});

it("waits for a subscription result's write before it counts as sent", async () => {
  const s = fakeSocket();
  const result = { data: { intentChanged: { id: 'a' } } };
  const serialised = serialise(result);
  let sent = false;
  s.ws.send(nextMessage('s1', standIn(result, serialised)), () => void (sent = true));
  await turn();
  await turn();
  expect(sent).toBe(false);
  s.writes[0]!.done();
  expect(sent).toBe(true);
  expect(s.released()).toBe(serialised.bytes);
});
