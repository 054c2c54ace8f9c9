/**
 * The loop the per-intent readers share (an `intentChanged` watch, an output stream's
 * reader): no queue, only a "changed" flag that notifications raise. `next()` reads when
 * the client asks and the flag is up, else sleeps until a poke; where notifications can
 * be lost (pub/sub unhealthy) a poll raises it too, so a lost message costs latency,
 * never a result. Memory stays constant however slow the client.
 */
import type { PubSub } from '../pubsub/types.ts';
import type { StreamEnd } from './event-stream.ts';

/** Where the reader hears of changes itself, and how often it re-reads without them. */
export interface Polling {
  pubsub: PubSub;
  /** Poll interval while the pub/sub is unhealthy; 10x this while healthy, as a safety net. */
  pollMs: number;
}

export abstract class ChangeDriven<T> implements AsyncIterableIterator<T | StreamEnd> {
  protected changed = true;
  protected stopped = false;
  /** Undone by end(): the reader's subscriptions. */
  protected readonly unsubscribe: (() => void)[] = [];
  private readonly polling: Polling | null;
  private readonly onClose: () => void;
  private wake: (() => void) | null = null;
  private soon: NodeJS.Timeout | null = null;

  constructor(polling: Polling | null, onClose: () => void) {
    this.polling = polling;
    this.onClose = onClose;
  }

  abstract next(): Promise<IteratorResult<T | StreamEnd>>;

  end(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.soon) clearTimeout(this.soon);
    for (const u of this.unsubscribe) u();
    this.onClose();
    this.wake?.();
  }

  async return(): Promise<IteratorResult<T | StreamEnd>> {
    this.end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  protected poke(): void {
    this.changed = true;
    this.wakeUp();
  }

  /** Ends a sleep without a read: the reader has something to hand out already. */
  protected wakeUp(): void {
    this.wake?.();
  }

  /** At most one re-read per poll interval for messages that may or may not concern this reader, however busy the namespace. */
  protected pokeSoon(): void {
    if (this.soon || this.stopped || !this.polling) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      this.poke();
    }, this.polling.pollMs);
    this.soon.unref();
  }

  protected async sleep(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.polling) {
        const healthy = this.polling.pubsub.healthy?.() ?? true;
        timer = setTimeout(() => {
          this.changed = true;
          resolve();
        }, healthy ? 10 * this.polling.pollMs : this.polling.pollMs);
      }
    });
    clearTimeout(timer);
    this.wake = null;
  }
}
