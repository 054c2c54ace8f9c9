/**
 * One shared reader per namespace per instance. A pub/sub message is only a
 * wake-up: the feed re-reads Postgres after its position (see store/stream.ts),
 * once, however many subscribers and messages there are, and hands each batch to
 * every listener in memory, as the same event objects (so that subscribers of the
 * same operation can share one execution of it: graphql/plugins/shared-events.ts).
 * Wake-ups that arrive while a read runs coalesce into one more read. While the
 * pub/sub is unhealthy the feed polls; on recovery it reads at once, so messages
 * lost while Redis was away cost latency, never events.
 */
import type { Db } from '../db/types.ts';
import type { Logger } from '../core/log.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import { getIntents } from '../store/intents.ts';
import type { Intent } from '../core/model.ts';
import { type Position, type StreamEvent, readFeed, streamHead } from '../store/stream.ts';

/** A stream event as the feed hands it out: one object per event, shared by every listener. */
export interface LiveEvent extends StreamEvent {
  /** The intent as of this event's batch, loaded once per batch for all subscribers. */
  loadIntent?: IntentLoader;
}

export interface FeedListener {
  /**
   * Called with each batch, in position order, after `feed.position` moved past it;
   * a batch reaches every listener before the next batch reaches any. The events
   * are shared: a listener must not change them.
   */
  deliver(events: readonly LiveEvent[]): void;
  /** An intent's live progress changed. */
  progress?(intentId: string): void;
}

/** Loads intents of one batch once, however many subscribers ask. */
export type IntentLoader = (id: string) => Promise<Intent | null>;

/**
 * Listeners served in one turn of the event loop. Each delivery runs on in
 * microtasks up to its socket write, so a batch for 10,000 subscribers would
 * otherwise be produced whole before the first byte leaves; between slices the
 * writes go out and other I/O gets a turn. (Measured with `npm run bench -- fanout`:
 * 250–1,000 cost the same CPU; without slices the first of 10,000 hears after ~100 ms.)
 */
export const DISPATCH_SLICE = 500;

export interface FeedOptions {
  db: Db;
  pubsub: PubSub;
  log: Logger;
  namespace: string;
  /** Poll interval while the pub/sub is unhealthy; healthy feeds poll 10x slower as a safety net. */
  pollMs: number;
  batchSize: number;
  /** Listeners per turn of the event loop when a batch is handed out; default DISPATCH_SLICE. */
  dispatchSlice?: number;
}

export class NamespaceFeed {
  /** Everything at or below this position has been delivered to the listeners. */
  position: Position = { tx: '0', id: '0' };
  readonly ready: Promise<void>;
  private readonly o: FeedOptions;
  private readonly listeners = new Set<FeedListener>();
  private readonly unsubscribe: (() => void)[] = [];
  private reading = false;
  private again = false;
  private closed = false;
  private lastRead = Date.now();
  private heldDelay = 0;
  private heldTimer: NodeJS.Timeout | null = null;
  private readonly pollTimer: NodeJS.Timeout;

  constructor(o: FeedOptions) {
    this.o = o;
    const { pubsub, namespace } = o;
    // subscribe before taking the head, so nothing committed in between goes unnoticed
    this.unsubscribe.push(pubsub.subscribe(channels.events(namespace), () => this.wake()));
    this.unsubscribe.push(pubsub.subscribe(channels.progress(namespace), (id) => this.progress(id)));
    if (pubsub.onHealth) {
      this.unsubscribe.push(pubsub.onHealth((healthy) => {
        if (!healthy) return;
        this.wake();
        // resubscribing may finish just after the connection is ready
        setTimeout(() => this.wake(), o.pollMs).unref();
      }));
    }
    this.pollTimer = setInterval(() => {
      const healthy = pubsub.healthy?.() ?? true;
      if (!healthy || Date.now() - this.lastRead >= 10 * o.pollMs) this.wake();
    }, o.pollMs);
    this.pollTimer.unref();
    this.ready = streamHead(o.db, namespace).then((head) => {
      this.position = head;
    });
  }

  get size(): number {
    return this.listeners.size;
  }

  add(l: FeedListener): void {
    this.listeners.add(l);
  }

  remove(l: FeedListener): void {
    this.listeners.delete(l);
  }

  wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.readLoop();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.pollTimer);
    if (this.heldTimer) clearTimeout(this.heldTimer);
    for (const u of this.unsubscribe) u();
    this.listeners.clear();
  }

  private async readLoop(): Promise<void> {
    this.reading = true;
    let held = false;
    try {
      await this.ready;
      do {
        this.again = false;
        held = await this.readAll();
      } while (this.again && !this.closed);
    } catch (err) {
      // the position did not move: the next wake-up or poll reads the same events again
      this.o.log.warn({ err, namespace: this.o.namespace }, 'event feed read failed; retrying on the next poll');
    } finally {
      this.reading = false;
      this.lastRead = Date.now();
    }
    if (held && !this.closed && !this.heldTimer) {
      // committed events wait behind an older transaction that may never publish (another namespace, a rollback)
      this.heldDelay = Math.min(Math.max(this.heldDelay * 2, 5), this.o.pollMs);
      this.heldTimer = setTimeout(() => {
        this.heldTimer = null;
        this.wake();
      }, this.heldDelay);
      this.heldTimer.unref();
    } else if (!held) {
      this.heldDelay = 0;
    }
  }

  private async readAll(): Promise<boolean> {
    for (;;) {
      const { events, held } = await readFeed(this.o.db, this.o.namespace, this.position, this.o.batchSize);
      if (this.closed) return false;
      if (events.length > 0) {
        const last = events.at(-1)!;
        this.position = { tx: last.tx, id: last.id };
        await this.dispatch(events);
      }
      if (held || events.length < this.o.batchSize) return held;
    }
  }

  /**
   * Hands the batch to the listeners present now, a slice per turn of the event loop.
   * Readers rely only on `position` having moved first: a stream that goes live while
   * the slices run has replayed past this batch and skips it by its cursor.
   */
  private async dispatch(events: StreamEvent[]): Promise<void> {
    let loaded: Promise<Map<string, Intent>> | null = null;
    const loadIntent: IntentLoader = async (id) => {
      loaded ??= getIntents(this.o.db, this.o.namespace, [...new Set(events.map((e) => e.intentId))]).then(
        (list) => new Map(list.map((i) => [i.id, i])),
      );
      return (await loaded).get(id) ?? null;
    };
    const batch: LiveEvent[] = events.map((e) => ({ ...e, loadIntent }));
    const listeners = [...this.listeners];
    const slice = this.o.dispatchSlice ?? DISPATCH_SLICE;
    for (let from = 0; from < listeners.length; from += slice) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return;
      for (const l of listeners.slice(from, from + slice)) {
        try {
          l.deliver(batch);
        } catch (err) {
          this.o.log.error({ err }, 'event listener failed');
        }
      }
    }
  }

  private progress(intentId: string): void {
    for (const l of [...this.listeners]) {
      try {
        l.progress?.(intentId);
      } catch (err) {
        this.o.log.error({ err }, 'progress listener failed');
      }
    }
  }
}

/** Feeds by namespace, opened on the first subscriber and closed after the last. */
export class FeedRegistry {
  private readonly feeds = new Map<string, NamespaceFeed>();
  private readonly o: Omit<FeedOptions, 'namespace'>;

  constructor(o: Omit<FeedOptions, 'namespace'>) {
    this.o = o;
  }

  async join(namespace: string, l: FeedListener): Promise<NamespaceFeed> {
    let feed = this.feeds.get(namespace);
    if (!feed) {
      feed = new NamespaceFeed({ ...this.o, namespace });
      this.feeds.set(namespace, feed);
    }
    feed.add(l);
    try {
      await feed.ready;
    } catch (err) {
      this.leave(namespace, l);
      throw err;
    }
    return feed;
  }

  leave(namespace: string, l: FeedListener): void {
    const feed = this.feeds.get(namespace);
    if (!feed) return;
    feed.remove(l);
    if (feed.size === 0) {
      feed.close();
      this.feeds.delete(namespace);
    }
  }

  close(): void {
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
  }
}
