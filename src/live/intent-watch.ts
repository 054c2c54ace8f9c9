/**
 * One `intentChanged` subscription: the intent's state at once, then again after
 * each change (an event or new progress). It holds no queue, only a "changed"
 * flag, and re-reads the row when the client is ready for more; so a slow client
 * gets the latest state rather than a backlog, and memory stays constant.
 *
 * A watch of some statuses only (result() waits for a finished state) listens to the
 * namespace's notifications itself instead of joining the shared event feed: their
 * messages say which intents changed to which status, so the steps of a run cost it
 * no read at all, and no feed has to be opened and read for it. Without them (a large
 * batch, or the pub/sub unhealthy) it re-reads, or polls, as the stream readers do.
 */
import type { Db } from '../db/types.ts';
import { AxmeError } from '../core/errors.ts';
import { getIntent } from '../store/intents.ts';
import type { Intent } from '../core/model.ts';
import type { Status } from '../core/lifecycle.ts';
import type { StreamEvent } from '../store/stream.ts';
import { StreamEnd } from './event-stream.ts';
import type { FeedListener } from './feed.ts';
import { changesOf, channels } from '../pubsub/types.ts';
import { ChangeDriven, type Polling } from './change-driven.ts';

/** How a watch of some statuses hears of changes without the feed. */
export type DirectListen = Polling;

export class IntentWatch extends ChangeDriven<Intent> implements FeedListener {
  private readonly db: Db;
  private readonly namespace: string;
  private readonly id: string;
  /** Only states in these statuses after the first (null: every change): no re-read for an event that leaves another status. */
  private readonly statuses: ReadonlySet<Status> | null;
  private last: { seq: number; progress: string } | null = null;
  private first: Intent | null = null;

  constructor(db: Db, namespace: string, id: string, statuses: ReadonlySet<Status> | null, onClose: () => void, direct: DirectListen | null = null) {
    // without `direct` the shared feed pokes it (deliver, progress) and nothing is polled here
    super(direct, onClose);
    this.db = db;
    this.namespace = namespace;
    this.id = id;
    this.statuses = statuses;
    if (direct) {
      // listening starts here, before the first read (see LiveService.intentChanged)
      this.unsubscribe.push(
        direct.pubsub.subscribe(channels.events(namespace), (m) => this.heard(m)),
        direct.pubsub.subscribe(channels.progress(namespace), (id) => this.progress(id)),
      );
      // messages lost while the pub/sub was away: read once it is back
      if (direct.pubsub.onHealth) this.unsubscribe.push(direct.pubsub.onHealth((healthy) => healthy && this.poke()));
    }
  }

  /** An events message: a change of this intent to a wanted status pokes; one that lists no changes may hide one. */
  private heard(message: string): void {
    const statuses = changesOf(message, this.id);
    if (statuses) {
      if (statuses.some((s) => this.wants(s as Status))) this.poke();
    } else if (message.startsWith(`${this.id}:`)) {
      this.poke();
    } else {
      this.pokeSoon();
    }
  }

  /** The state read when the watch was already listening: its first result, without a second read. */
  start(intent: Intent): void {
    this.first = intent;
    this.changed = false;
  }

  deliver(events: readonly StreamEvent[]): void {
    if (events.some((e) => e.intentId === this.id && this.wants(e.status))) this.poke();
  }

  progress(intentId: string): void {
    // progress is reported while RUNNING
    if (intentId === this.id && this.wants('RUNNING')) this.poke();
  }

  async next(): Promise<IteratorResult<Intent | StreamEnd>> {
    for (;;) {
      if (this.stopped) return { value: undefined, done: true };
      if (this.first) {
        const intent = this.first;
        this.first = null;
        this.last = { seq: intent.lastSeq, progress: JSON.stringify(intent.progress) };
        return { value: intent, done: false };
      }
      if (this.changed) {
        this.changed = false;
        let intent: Intent | null;
        try {
          intent = await getIntent(this.db, this.namespace, this.id);
        } catch (err) {
          this.end();
          const reason = String((err as Error)?.message ?? err).slice(0, 200);
          return { value: new StreamEnd(new AxmeError('INTERNAL', 'reading the intent failed; subscribe again', { reason })), done: false };
        }
        if (!intent) {
          this.end();
          continue;
        }
        const seen = { seq: intent.lastSeq, progress: JSON.stringify(intent.progress) };
        if (this.wants(intent.status) && (!this.last || this.last.seq !== seen.seq || this.last.progress !== seen.progress)) {
          this.last = seen;
          return { value: intent, done: false };
        }
        continue;
      }
      await this.sleep();
    }
  }

  private wants(status: Status): boolean {
    return !this.statuses || this.statuses.has(status);
  }
}
