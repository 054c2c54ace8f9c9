/**
 * The live operations: event and intent subscriptions, and progress reports.
 * Resolvers call this; it validates input, then hands out streams fed by one
 * shared reader per namespace (live/feed.ts).
 */
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import { AxmeError, notFound } from '../core/errors.ts';
import { type EventKind, type Status, TERMINAL, isTerminal } from '../core/lifecycle.ts';
import type { AbortLike } from '../core/abort.ts';
import type { Logger } from '../core/log.ts';
import type { LocalChanges } from '../pubsub/local-changes.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import type { Caller } from '../core/caller.ts';
import { getIntent } from '../store/intents.ts';
import { reportProgress } from '../store/progress.ts';
import type { Intent } from '../core/model.ts';
import { type StreamFilter, decodeCursor } from '../store/stream.ts';
import * as v from '../core/validate.ts';
import { EventStream, StreamEnd } from './event-stream.ts';
import { type FeedListener, type FeedOptions, FeedRegistry } from './feed.ts';
import { type DirectListen, IntentWatch } from './intent-watch.ts';
import { StreamService } from './streams.ts';
import { budgetGuarded } from '../services/budget-guard.ts';
import { type Commit, createCommit } from '../services/commit.ts';

export interface EventFilterInput {
  intentId?: string | null;
  types?: readonly string[] | null;
  statuses?: readonly Status[] | null;
  kinds?: readonly EventKind[] | null;
  parentId?: string | null;
}

const BATCH = 500;

export class LiveService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly pubsub: PubSub;
  /** How watches of some statuses (result(), a waiting submit) hear of changes themselves: notifications and this process's committed rows. */
  private readonly direct: DirectListen;
  private readonly config: Config;
  private readonly log: Logger;
  private readonly feeds: FeedRegistry;
  /** Output streams of intents: appends and readers. */
  readonly streams: StreamService;
  private readonly open = new Set<{ end(): void }>();
  /** Existence checks in flight, by namespace and intent: a burst of subscribers to one intent asks once. */
  private readonly checking = new Map<string, Promise<boolean>>();
  private closed = false;
  /** Submits waiting in untilFinished now (AXME_MAX_WAITING_SUBMITS). */
  private waitingSubmits = 0;

  /** `feed` tunes the shared readers (live/feed.ts); tests shrink dispatchSlice to see slices with a few subscribers. */
  /** How a lease call that answers BUDGET_EXCEEDED stops the intent first (services/budget-guard.ts). */
  private readonly budgetStop: { commit: Commit; clock: Clock };

  constructor(db: Db, clock: Clock, pubsub: PubSub, local: LocalChanges, config: Config, log: Logger, feed: Pick<FeedOptions, 'dispatchSlice'> = {}) {
    this.db = db;
    this.clock = clock;
    this.pubsub = pubsub;
    this.direct = { pubsub, local, pollMs: config.subscriptionPollMs };
    this.config = config;
    this.log = log;
    this.streams = new StreamService(db, clock, pubsub, local, config);
    this.budgetStop = { commit: createCommit(db, pubsub, local), clock };
    this.feeds = new FeedRegistry({ db, pubsub, log, pollMs: config.subscriptionPollMs, batchSize: BATCH, ...feed });
  }

  /** Stored events after `after` (or from now), then live ones, each exactly once in stream order. */
  async events(c: Caller, f: EventFilterInput | null | undefined, after: string | null | undefined): Promise<EventStream> {
    this.refuseWhenClosed();
    const filter: StreamFilter = {
      intentId: v.optionalId('filter.intentId', f?.intentId),
      types: f?.types?.length ? f.types.map((t) => v.name('filter.types', t)) : null,
      statuses: f?.statuses?.length ? [...f.statuses] : null,
      kinds: f?.kinds?.length ? [...f.kinds] : null,
      parentId: v.optionalId('filter.parentId', f?.parentId),
    };
    const start = after ? decodeCursor(after) : null;
    if (filter.intentId && !(await this.intentExists(c.namespace, filter.intentId))) throw notFound('intent', filter.intentId);
    let stream: EventStream | null = null;
    const holder: FeedListener = { deliver: (events) => stream?.deliver(events) };
    const feed = await this.feeds.join(c.namespace, holder);
    stream = new EventStream(
      { db: this.db, namespace: c.namespace, filter, feed, limit: this.config.subscriptionBuffer, batchSize: Math.min(BATCH, this.config.subscriptionBuffer),
        onClose: () => {
          this.feeds.leave(c.namespace, holder);
          this.open.delete(stream!);
        },
        onError: (err) => this.log.error({ err }, 'replaying stored events failed') },
      start ?? feed.position,
    );
    this.open.add(stream);
    stream.start();
    return stream;
  }

  /** The intent now, then after every change (events and progress), coalesced to the latest state. */
  async intentChanged(c: Caller, id: string, statuses?: readonly Status[] | null): Promise<IntentWatch> {
    this.refuseWhenClosed();
    const intentId = v.id('id', id);
    const only = statuses?.length ? new Set(statuses) : null;
    // a watch of some statuses hears them from the notifications themselves (intent-watch.ts)
    const direct = only ? this.direct : null;
    const watch: IntentWatch = new IntentWatch(this.db, c.namespace, intentId, only, () => {
      if (!direct) this.feeds.leave(c.namespace, watch);
      this.open.delete(watch);
    }, direct);
    // listening first, then one read that is both the existence check and the first
    // state: a change committed after the read pokes the watch, which reads again
    if (!direct) await this.feeds.join(c.namespace, watch);
    this.open.add(watch);
    let first: Awaited<ReturnType<typeof getIntent>>;
    try {
      first = await getIntent(this.db, c.namespace, intentId);
    } catch (err) {
      watch.end();
      throw err;
    }
    if (!first) {
      watch.end();
      throw notFound('intent', intentId);
    }
    watch.start(first);
    return watch;
  }

  /**
   * A wait checked before the write it follows; a longer one than AXME_MAX_WAIT_SECONDS is
   * cut to it (the answer then says where the intent is, and the caller waits on).
   */
  validWait(waitSeconds: number | null | undefined): number {
    return Math.min(v.intInRange('waitSeconds', waitSeconds, 0, 0, 86_400), this.config.maxWaitSeconds);
  }

  /**
   * Waits up to `waitSeconds` for an intent this caller has just written (submitIntent's
   * wait) to finish, and answers its state then. It never refuses: the write is done,
   * so shutting down, or AXME_MAX_WAITING_SUBMITS waits already open, just answer at
   * once. The watch starts from `intent`, the state the write answered, and listens
   * before any I/O can run (the write's answer reaches here through promise callbacks
   * only), so it hears the finishing change. With `mayBeRead` (a submit that answered
   * an intent its idempotency key had submitted before: read, not written), a change
   * may have committed between that read and listening, so it reads once more.
   */
  async untilFinished(c: Caller, intent: Intent, waitSeconds: number, signal?: AbortLike | null, mayBeRead = false): Promise<Intent> {
    if (this.closed || waitSeconds <= 0 || isTerminal(intent.status) || signal?.aborted) return intent;
    if (this.waitingSubmits >= this.config.maxWaitingSubmits) return intent;
    const watch: IntentWatch = new IntentWatch(this.db, c.namespace, intent.id, new Set(TERMINAL), () => {
      this.open.delete(watch);
      this.waitingSubmits--;
    }, this.direct);
    this.waitingSubmits++;
    this.open.add(watch);
    watch.start(intent);
    if (mayBeRead) watch.recheck();
    const timer = setTimeout(() => watch.end(), waitSeconds * 1000);
    const stop = () => watch.end();
    signal?.addEventListener('abort', stop);
    let latest = intent;
    try {
      for await (const state of watch) {
        if (state instanceof StreamEnd) break;
        latest = state;
        if (isTerminal(state.status)) break;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      watch.end();
    }
    return latest;
  }

  /** Stores the latest progress on the intent (no event) and tells its watchers. */
  async reportProgress(c: Caller, id: string, token: string, progress: unknown): Promise<Intent> {
    const data = v.payload('progress', progress, this.config.maxPayloadBytes);
    const [i, t] = [v.id('id', id), v.id('leaseToken', token)];
    const intent = await budgetGuarded(this.budgetStop, c.namespace, i, t, () => reportProgress(this.db, c.namespace, i, t, data, this.clock.now()));
    this.pubsub.publish(channels.progress(c.namespace), intent.id);
    return intent;
  }

  /** Subscriptions open now, for /metrics. */
  get openCount(): number {
    return this.open.size + this.streams.openCount;
  }

  /** Ends every open subscription cleanly (shutdown); clients resume from their last cursor elsewhere. */
  close(): void {
    this.closed = true;
    for (const s of [...this.open]) s.end();
    this.streams.close_();
    this.feeds.close();
  }

  /**
   * Whether the intent exists, sharing a check already in flight for it. Each waiting
   * subscription holds its whole request until the answer comes, so 10,000 subscribers
   * arriving at once must not queue 10,000 reads. Only a found intent is taken from a
   * check that started before this request: a miss is asked again, as the intent may
   * have been committed after that check began.
   */
  private async intentExists(namespace: string, id: string): Promise<boolean> {
    const key = `${namespace}\u0000${id}`;
    const joined = this.checking.get(key);
    if (joined && (await joined)) return true;
    const mine = getIntent(this.db, namespace, id).then((i) => i !== null);
    this.checking.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.checking.get(key) === mine) this.checking.delete(key);
    }
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new AxmeError('CONFLICT', 'the server is shutting down; subscribe again on another instance', { reason: 'SHUTTING_DOWN' });
  }
}
