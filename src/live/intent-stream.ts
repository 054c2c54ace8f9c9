/**
 * One `intentStream` subscription: a page of chunks from the client's index at
 * once, then a page whenever more were appended, until the stream is closed and
 * read to its end. Like IntentWatch it holds no queue, only the next index and a
 * "changed" flag: it reads Postgres by index when the client is ready for more,
 * so a slow reader costs no memory and a reconnecting one (on any instance)
 * resumes from the index it last saw with no gap and no duplicate. Notifications
 * (appends, and the intent's events, since finishing it ends its streams) are
 * only wake-ups; without them it polls.
 */
import type { Db } from '../db/types.ts';
import { AxmeError } from '../core/errors.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import { type StreamPage, readStream } from '../store/streams.ts';
import { StreamEnd } from './event-stream.ts';
import { ChangeDriven } from './change-driven.ts';

export interface StreamReaderOptions {
  db: Db;
  pubsub: PubSub;
  namespace: string;
  intentId: string;
  stream: string;
  from: number;
  maxChunks: number;
  maxBytes: number;
  /** Poll interval while the pub/sub is unhealthy; 10x this while healthy, as a safety net. */
  pollMs: number;
  onClose: () => void;
}

export class StreamReader extends ChangeDriven<StreamPage> {
  private readonly o: StreamReaderOptions;
  private next_: number;
  private first = true;
  private finished = false;

  constructor(o: StreamReaderOptions) {
    super({ pubsub: o.pubsub, pollMs: o.pollMs }, o.onClose);
    this.o = o;
    this.next_ = o.from;
    const key = `${o.intentId} ${o.stream}`;
    this.unsubscribe.push(
      o.pubsub.subscribe(channels.streams(o.namespace), (m) => m === key && this.poke()),
      // a batch of changes announces only its last intent: another id may hide this one finishing
      o.pubsub.subscribe(channels.events(o.namespace), (m) => (m.startsWith(`${o.intentId}:`) ? this.poke() : this.pokeSoon())),
    );
  }

  async next(): Promise<IteratorResult<StreamPage | StreamEnd>> {
    for (;;) {
      if (this.stopped || this.finished) {
        this.end();
        return { value: undefined, done: true };
      }
      if (this.changed) {
        this.changed = false;
        let page: StreamPage | null;
        try {
          page = await readStream(this.o.db, this.o.namespace, this.o.intentId, this.o.stream, this.next_, this.o.maxChunks, this.o.maxBytes);
        } catch (err) {
          this.end();
          const reason = String((err as Error)?.message ?? err).slice(0, 200);
          return { value: new StreamEnd(new AxmeError('INTERNAL', 'reading the stream failed; subscribe again from `next`', { reason, next: this.next_ })), done: false };
        }
        if (!page) {
          // the intent was deleted (retention): nothing more will come
          this.end();
          continue;
        }
        const done = page.closed && page.next >= page.length;
        if (page.chunks.length > 0 || this.first || done) {
          this.first = false;
          this.next_ = page.next;
          if (done) this.finished = true;
          // a full page: more may be stored already
          else if (page.next < page.length) this.changed = true;
          return { value: page, done: false };
        }
        continue;
      }
      await this.sleep();
    }
  }
}
