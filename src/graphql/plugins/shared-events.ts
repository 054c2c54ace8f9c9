/**
 * Subscription events executed once per audience instead of once per subscriber.
 *
 * The live feed hands every subscriber of a namespace the same event objects
 * (live/feed.ts). Subscribers whose operations are equal (same parsed document,
 * operation name and variables) and whose audience is equal (for Axme: namespace
 * and role) would compute equal results from the same event, so the first one to
 * take the event executes its selection set and the others get that very
 * ExecutionResult (which the WebSocket layer then serialises once, too).
 *
 * What stays per subscriber: its source stream (replay from its cursor, its queue,
 * its slow-consumer limit), so order and resume cursors are exactly what they are
 * without sharing; the memo only saves work. Events a subscriber replays from the
 * database are its own objects and are never shared. Entries live as long as the
 * event object, which the feed drops once every queue has moved past it.
 *
 * This replaces the executor's subscribe (graphql-tools, one async generator per
 * event per subscriber) with graphql-js' createSourceEventStream + execute; plugins
 * that stop a subscription early (roles, rate limit) still run before it.
 */
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, createSourceEventStream, execute } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface SharedEventsOptions<C> {
  /**
   * Which subscribers may see each other's results: equal strings share, null never
   * shares. No default: it is what keeps tenants apart, so it must name everything
   * a result may depend on besides the operation and the event.
   */
  audience: (context: C) => string | null;
  /**
   * The context one event is executed with; default: the subscriber's own. Axme gives
   * each execution fresh loaders, so a result never depends on whose cache it used.
   */
  perEvent?: (context: C) => C;
}

type PromiseOrValue<T> = T | Promise<T>;

/** event object → (operation + audience) → its result */
const executed = new WeakMap<object, Map<string, PromiseOrValue<ExecutionResult>>>();
/**
 * A result's data → the event it was executed from, for errors that must name the
 * event (an oversize result). Keyed by the data, not the result: plugins that map
 * results (error masking) copy the result but keep its data.
 */
const sources = new WeakMap<object, object>();
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

export function useSharedEvents<C extends object>(o: SharedEventsOptions<C>): Plugin<C> {
  const perEvent = o.perEvent ?? ((c: C) => c);
  const subscribe = async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    return new EventResults(source[Symbol.asyncIterator](), args, shareKey(args, o.audience(args.contextValue as C)), perEvent as (c: unknown) => unknown);
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribe as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}

function shareKey(args: ExecutionArgs, audience: string | null): string | null {
  if (audience === null) return null;
  let doc = documentIds.get(args.document);
  if (doc === undefined) documentIds.set(args.document, (doc = nextDocumentId++));
  return `${doc}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? null)}\u0000${audience}`;
}

/** The event a subscription result was executed from; undefined for results that are not subscription events. */
export function sourceEventOf(result: ExecutionResult): unknown {
  return result.data ? sources.get(result.data) : undefined;
}

const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/** One subscriber's results: its own source, pulled in order, each event executed (or looked up) as it comes. */
class EventResults implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<unknown>;
  private readonly args: ExecutionArgs;
  private readonly key: string | null;
  private readonly perEvent: (c: unknown) => unknown;

  constructor(source: AsyncIterator<unknown>, args: ExecutionArgs, key: string | null, perEvent: (c: unknown) => unknown) {
    this.source = source;
    this.args = args;
    this.key = key;
    this.perEvent = perEvent;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.source.next().then(this.onItem);
  }

  // not an async method: each idle subscriber would hold a suspended frame
  private readonly onItem = (item: IteratorResult<unknown>): PromiseOrValue<IteratorResult<ExecutionResult>> => {
    if (item.done) return { value: undefined, done: true };
    const result = this.resultOf(item.value);
    return result instanceof Promise ? result.then((value) => ({ value, done: false })) : { value: result, done: false };
  };

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private resultOf(event: unknown): PromiseOrValue<ExecutionResult> {
    if (this.key === null || typeof event !== 'object' || event === null) return this.run(event);
    let results = executed.get(event);
    if (!results) executed.set(event, (results = new Map()));
    let result = results.get(this.key);
    if (!result) results.set(this.key, (result = this.run(event)));
    return result;
  }

  private run(event: unknown): PromiseOrValue<ExecutionResult> {
    const result = execute({ ...this.args, rootValue: event, contextValue: this.perEvent(this.args.contextValue) });
    if (typeof event !== 'object' || event === null) return result;
    const remember = (r: ExecutionResult) => {
      if (r.data) sources.set(r.data, event);
      return r;
    };
    return result instanceof Promise ? result.then(remember) : remember(result);
  }
}
