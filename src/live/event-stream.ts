/**
 * One `intentEvents` subscription: first replays stored events after the client's
 * cursor by itself, then switches to the shared feed. The switch happens in the
 * same tick as the check that the replay reached the feed's position, and the
 * feed moves its position before it hands a batch out (which may take several
 * ticks), so the seam has no gap; live events at or below the subscriber's cursor
 * are skipped, so it has no duplicate either (and a cursor from a query or another
 * instance may be ahead of this instance's feed).
 *
 * The queue is bounded: replay reads only when the queue is empty, and a live
 * subscriber whose queue passes `limit` loses the queue and gets one coded error
 * with the cursor to resume from, instead of growing memory.
 */
import type { Db } from '../db/types.ts';
import { AxmeError } from '../core/errors.ts';
import { getIntent } from '../store/intents.ts';
import {
  type Position, type StreamFilter, comparePositions, encodeCursor, matches, positionOf, readRange,
} from '../store/stream.ts';
import type { FeedListener, IntentLoader, LiveEvent, NamespaceFeed } from './feed.ts';

export type { LiveEvent } from './feed.ts';

/** Yielded last when a stream ends with an error; the resolver throws it so the client gets a coded error. */
export class StreamEnd {
  readonly error: AxmeError;
  constructor(error: AxmeError) {
    this.error = error;
  }
}

export interface EventStreamOptions {
  db: Db;
  namespace: string;
  filter: StreamFilter;
  feed: NamespaceFeed;
  /** Most events held for a slow client before it is cut off. */
  limit: number;
  batchSize: number;
  onClose: () => void;
  /** A replay read failed (the stream then ends with INTERNAL and the cursor to resume from). */
  onError: (err: unknown) => void;
}

const DONE: IteratorResult<never> = { value: undefined, done: true };

export class EventStream implements FeedListener, AsyncIterableIterator<LiveEvent | StreamEnd> {
  private readonly o: EventStreamOptions;
  private queue: (LiveEvent | StreamEnd)[] = [];
  /** The position of the last event queued (or skipped as already seen). */
  private cursor: Position;
  /** The position of the last event handed to the client: where it resumes. */
  private handedOut: Position;
  private live = false;
  private stopped = false;
  private finished = false;
  /** The consumer's pending next(), resolved by the producer. */
  private waiting: ((r: IteratorResult<LiveEvent | StreamEnd>) => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(o: EventStreamOptions, after: Position) {
    this.o = o;
    this.cursor = after;
    this.handedOut = after;
  }

  /** Starts the replay; call after the stream is registered with the feed. */
  start(): void {
    this.catchUp().catch((err) => {
      // the database's message is for the log, not the client (it can quote values)
      this.o.onError(err);
      this.endWith(new AxmeError('INTERNAL', 'reading stored events failed; resume from the cursor', {
        cursor: encodeCursor(this.handedOut),
      }));
    });
  }

  deliver(events: readonly LiveEvent[]): void {
    if (!this.live || this.stopped) return;
    for (const e of events) {
      const p = positionOf(e);
      if (comparePositions(p, this.cursor) <= 0) continue;
      this.cursor = p;
      // the feed's own object, shared with every other subscriber
      if (matches(this.o.filter, e)) this.queue.push(e);
    }
    if (this.queue.length > this.o.limit) {
      this.queue = [];
      this.endWith(new AxmeError('RATE_LIMITED', 'the subscriber fell behind the event stream; resume from the cursor', {
        reason: 'SLOW_CONSUMER',
        cursor: encodeCursor(this.handedOut),
        limit: this.o.limit,
      }));
      return;
    }
    this.wakeConsumer();
  }

  /** Ends the stream cleanly (server shutdown): queued events are still delivered. */
  end(): void {
    this.stop();
    this.wakeConsumer();
  }

  next(): Promise<IteratorResult<LiveEvent | StreamEnd>> {
    const now = this.take();
    // a plain promise, not an async function: 10,000 idle subscribers would each hold a suspended frame
    return now ? Promise.resolve(now) : new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<LiveEvent | StreamEnd>> {
    this.finished = true;
    this.queue = [];
    this.stop();
    this.wakeConsumer();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** What next() answers now, or null when the consumer has to wait. */
  private take(): IteratorResult<LiveEvent | StreamEnd> | null {
    if (this.finished) return DONE;
    const item = this.queue.shift();
    if (item instanceof StreamEnd) {
      this.finished = true;
      return { value: item, done: false };
    }
    if (item) {
      this.handedOut = positionOf(item);
      if (this.queue.length === 0) this.wakeProducer?.();
      return { value: item, done: false };
    }
    if (this.stopped) {
      this.finished = true;
      return DONE;
    }
    return null;
  }

  private wakeConsumer(): void {
    if (!this.waiting) return;
    const now = this.take();
    if (!now) return;
    const waiting = this.waiting;
    this.waiting = null;
    waiting(now);
  }

  private endWith(end: StreamEnd | AxmeError): void {
    if (this.stopped) return;
    this.queue.push(end instanceof StreamEnd ? end : new StreamEnd(end));
    this.end();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeProducer?.();
    this.o.onClose();
  }

  private async catchUp(): Promise<void> {
    const { db, namespace, filter, feed, batchSize } = this.o;
    const single: IntentLoader = (id) => getIntent(db, namespace, id);
    while (!this.stopped) {
      const to = feed.position;
      if (comparePositions(this.cursor, to) >= 0) {
        this.live = true;
        return;
      }
      while (this.queue.length > 0 && !this.stopped) {
        await new Promise<void>((resolve) => (this.wakeProducer = resolve));
        this.wakeProducer = null;
      }
      if (this.stopped) return;
      const rows = await readRange(db, namespace, filter, this.cursor, to, batchSize);
      if (this.stopped) return;
      for (const r of rows) this.queue.push({ ...r, loadIntent: single });
      this.cursor = rows.length < batchSize ? to : positionOf(rows.at(-1)!);
      if (rows.length > 0) this.wakeConsumer();
    }
  }
}
