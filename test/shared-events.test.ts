/**
 * The shared-execution plugin on a schema of its own: subscribers that see the same
 * event object execute it once when operation and audience are equal, and never
 * otherwise; each keeps its own source, so its own order.
 */
import { type ExecutionResult, parse } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { expect, it } from 'vitest';
import { useSharedEvents } from '../src/graphql/plugins/shared-events.ts';

interface Ctx { who: string; audience: string | null; source: Source }
interface Tick { n: number }

/** One subscriber's source: the test pushes event objects, shared or not. */
class Source implements AsyncIterableIterator<Tick> {
  private readonly queue: Tick[] = [];
  private waiting: ((r: IteratorResult<Tick>) => void) | null = null;
  push(t: Tick): void {
    if (this.waiting) this.waiting({ value: t, done: false });
    else this.queue.push(t);
    this.waiting = null;
  }
  next(): Promise<IteratorResult<Tick>> {
    const t = this.queue.shift();
    return t ? Promise.resolve({ value: t, done: false }) : new Promise((r) => (this.waiting = r));
  }
  async return(): Promise<IteratorResult<Tick>> {
    return { value: undefined, done: true };
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

let executions = 0;
const yoga = createYoga<Ctx>({
  schema: createSchema<Ctx>({
    typeDefs: `type Query { ok: Boolean }
      type Subscription { ticks(label: String): Tick! }
      type Tick { n: Int! seenBy: String! label: String }`,
    resolvers: {
      Subscription: { ticks: { subscribe: (_r, _a, ctx) => ctx.source, resolve: (t: Tick, a: { label?: string }) => ({ ...t, label: a.label ?? null }) } },
      Tick: { seenBy: (_t, _a, ctx) => (executions++, ctx.who) },
    },
  }),
  plugins: [useSharedEvents<Ctx>({ audience: (ctx) => ctx.audience })],
});

const TICKS = parse(`subscription($label: String) { ticks(label: $label) { n seenBy label } }`);

async function subscriber(who: string, audience: string | null, label?: string) {
  const source = new Source();
  const { subscribe, contextFactory, schema } = yoga.getEnveloped({ who, audience, source });
  const results = (await subscribe({ schema, document: TICKS, variableValues: label ? { label } : {}, contextValue: await contextFactory() })) as AsyncIterableIterator<ExecutionResult>;
  return { source, next: async () => (await results.next()).value as ExecutionResult, close: () => results.return?.() };
}

it('subscribers of one operation and audience execute an event once and get the very same result', async () => {
  executions = 0;
  const subs = await Promise.all(['a1', 'a2', 'a3'].map((who) => subscriber(who, 'ns-a')));
  const tick = { n: 1 };
  for (const s of subs) s.source.push(tick);
  const results = await Promise.all(subs.map((s) => s.next()));
  expect(executions).toBe(1);
  expect(results[1]).toBe(results[0]);
  expect(results[2]).toBe(results[0]);
  expect(results[0]).toEqual({ data: { ticks: { n: 1, seenBy: 'a1', label: null } } });
  await Promise.all(subs.map((s) => s.close()));
});

it('another audience, other variables, or no audience at all execute for themselves', async () => {
  executions = 0;
  const subs = [
    await subscriber('a', 'ns-a'),
    await subscriber('b', 'ns-b'),
    await subscriber('a-labelled', 'ns-a', 'x'),
    await subscriber('lone1', null),
    await subscriber('lone2', null),
  ];
  const tick = { n: 7 };
  for (const s of subs) s.source.push(tick);
  const results = await Promise.all(subs.map((s) => s.next()));
  expect(executions).toBe(5);
  expect(results.map((r) => r.data)).toEqual([
    { ticks: { n: 7, seenBy: 'a', label: null } },
    { ticks: { n: 7, seenBy: 'b', label: null } },
    { ticks: { n: 7, seenBy: 'a-labelled', label: 'x' } },
    { ticks: { n: 7, seenBy: 'lone1', label: null } },
    { ticks: { n: 7, seenBy: 'lone2', label: null } },
  ]);
  await Promise.all(subs.map((s) => s.close()));
});

it('each subscriber reads its own source in its own order; only equal event objects are shared', async () => {
  executions = 0;
  const early = await subscriber('early', 'ns-a');
  const late = await subscriber('late', 'ns-a');
  const [t1, t2, t3] = [{ n: 1 }, { n: 2 }, { n: 3 }];
  early.source.push(t1);
  early.source.push(t2);
  late.source.push(t2);
  late.source.push({ n: 3 }); // an equal-looking but distinct object (a replayed row): not shared
  early.source.push(t3);
  const seen = { early: [] as unknown[], late: [] as unknown[] };
  for (let i = 0; i < 3; i++) seen.early.push((await early.next()).data);
  for (let i = 0; i < 2; i++) seen.late.push((await late.next()).data);
  expect(seen.early.map((d) => (d as { ticks: Tick }).ticks.n)).toEqual([1, 2, 3]);
  expect(seen.late.map((d) => (d as { ticks: Tick }).ticks.n)).toEqual([2, 3]);
  expect(executions).toBe(4); // t1, t2 once for both, t3, and late's own {n: 3}
  await Promise.all([early.close(), late.close()]);
});
