/**
 * One `intentChanged` subscription: the intent's state at once, then again after
 * each change (an event or new progress). It holds no queue, only a "changed" flag
 * (and at most one state, below), and re-reads the row when the client is ready for
 * more; so a slow client gets the latest state rather than a backlog, and memory stays
 * constant.
 *
 * A watch of some statuses only (result() waits for a finished state) listens to the
 * namespace's notifications itself instead of joining the shared event feed: their
 * messages say which intents changed to which status at which seq, so the steps of a
 * run cost it no read at all, and no feed has to be opened and read for it. A change
 * committed by this process comes with its row (LocalChanges): the watch holds that
 * state and hands it out without reading, and the message that follows, listing a seq
 * it knows, costs nothing. Changes from other instances are read when heard. Without
 * listed changes (a large batch, or the pub/sub unhealthy) it re-reads, or polls, as
 * the stream readers do.
 */
import type { Db } from '../db/types.ts';
import { AxmeError } from '../core/errors.ts';
import { getIntent } from '../store/intents.ts';
import type { Intent } from '../core/model.ts';
import type { Status } from '../core/lifecycle.ts';
import type { StreamEvent } from '../store/stream.ts';
import { StreamEnd } from './event-stream.ts';
import type { FeedListener } from './feed.ts';
import type { LocalChanges } from '../pubsub/local-changes.ts';
import { changesOf, channels } from '../pubsub/types.ts';
import { ChangeDriven, type Polling } from './change-driven.ts';

/** How a watch of some statuses hears of changes without the feed. */
export interface DirectListen extends Polling {
  /** The rows this process's writes commit: such a change is handed out without a read. */
  local: LocalChanges;
}

export class IntentWatch extends ChangeDriven<Intent> implements FeedListener {
  private readonly db: Db;
  private readonly namespace: string;
  private readonly id: string;
  /** Only states in these statuses after the first (null: every change): no re-read for an event that leaves another status. */
  private readonly statuses: ReadonlySet<Status> | null;
  private last: { seq: number; progress: string } | null = null;
  private first: Intent | null = null;
  /** A wanted state committed by this process, newer than any the watch knew of: the next to hand out, without a read. */
  private held: Intent | null = null;
  /**
   * The newest seq the watch knows of, from a read, a change committed here or a listed change
   * (-1 before any). A change at or below it is no news: an intent's seqs only grow.
   */
  private known = -1;

  constructor(db: Db, namespace: string, id: string, statuses: ReadonlySet<Status> | null, onClose: () => void, direct: DirectListen | null = null) {
    // without `direct` the shared feed pokes it (deliver, progress) and nothing is polled here
    super(direct, onClose);
    this.db = db;
    this.namespace = namespace;
    this.id = id;
    this.statuses = statuses;
    // the first state is LiveService's read (start); only what is heard after listening raises the flag
    this.changed = false;
    if (direct) {
      // listening starts here, before the first read (see LiveService.intentChanged)
      this.unsubscribe.push(
        direct.local.listen(namespace, id, (intent) => this.committedHere(intent)),
        direct.pubsub.subscribe(channels.events(namespace), (m) => this.heard(m)),
        direct.pubsub.subscribe(channels.progress(namespace), (id) => this.progress(id)),
      );
      // messages lost while the pub/sub was away: read once it is back
      if (direct.pubsub.onHealth) this.unsubscribe.push(direct.pubsub.onHealth((healthy) => healthy && this.poke()));
    }
  }

  /**
   * An events message: a listed change of this intent to a wanted status pokes, unless its seq
   * is one the watch knows (its own commit, held already, or read); one that lists no changes may hide one.
   */
  private heard(message: string): void {
    const listed = changesOf(message, this.id);
    if (listed) {
      let read = false;
      for (const { status, seq } of listed) {
        // from an instance that lists no seqs: read, as it always did
        if (seq === null) read ||= this.wants(status as Status);
        else if (seq > this.known) {
          this.known = seq;
          // a newer state than the one held, made elsewhere: the read gives it, or (unwanted) nothing, as it would have
          this.held = null;
          read ||= this.wants(status as Status);
        }
      }
      if (read) this.poke();
    } else if (message.startsWith(`${this.id}:`)) {
      // the batch's last change is this intent's, so it has the batch's highest seq of it
      const seq = Number(message.slice(this.id.length + 1));
      if (!(seq <= this.known)) this.poke();
    } else {
      this.pokeSoon();
    }
  }

  /** A change of this intent committed by this process, with its row: the state, without a read. */
  private committedHere(intent: Intent): void {
    // never hand out a state behind one the watch knows (two writes may announce out of commit order)
    if (intent.lastSeq <= this.known) return;
    this.known = intent.lastSeq;
    // only the newest state counts: one outside the wanted statuses leaves nothing to hand out, as a read would
    this.held = this.wants(intent.status) ? intent : null;
    if (this.held) this.wakeUp();
  }

  /** Reads once more after the first state: for a first state that was read before listening started. */
  recheck(): void {
    this.poke();
  }

  /** The state read when the watch was already listening: its first result, without a second read. */
  start(intent: Intent): void {
    this.first = intent;
    if (this.held && this.held.lastSeq <= intent.lastSeq) this.held = null;
    // a change heard during the read that the read may have missed (a newer seq) still reads; the rest is in it
    if (this.known <= intent.lastSeq) this.changed = false;
    this.known = Math.max(this.known, intent.lastSeq);
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
      // a read first when one is due (progress, a change made elsewhere): it is at least as new as anything held
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
        this.known = Math.max(this.known, intent.lastSeq);
        if (this.held && this.held.lastSeq <= intent.lastSeq) this.held = null;
        if (this.newer(intent)) return { value: intent, done: false };
        continue;
      }
      if (this.held) {
        const intent = this.held;
        this.held = null;
        if (this.newer(intent)) return { value: intent, done: false };
        continue;
      }
      await this.sleep();
    }
  }

  /** Whether `intent` is a wanted state the client has not had (seqs only grow; progress changes within one), noting it as had. */
  private newer(intent: Intent): boolean {
    if (!this.wants(intent.status)) return false;
    const seen = { seq: intent.lastSeq, progress: JSON.stringify(intent.progress) };
    if (this.last && (seen.seq < this.last.seq || (seen.seq === this.last.seq && seen.progress === this.last.progress))) return false;
    this.last = seen;
    return true;
  }

  private wants(status: Status): boolean {
    return !this.statuses || this.statuses.has(status);
  }
}
