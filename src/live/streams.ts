/**
 * Output streams of intents (issue 18): agents append chunks under their lease;
 * readers page through them by index or follow them live (StreamReader). Writes
 * go straight to Postgres, then a wake-up goes over the pub/sub to readers on
 * every instance, who read Postgres by index.
 */
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Caller } from '../core/caller.ts';
import type { Db } from '../db/types.ts';
import { AxmeError, badInput, notFound } from '../core/errors.ts';
import * as v from '../core/validate.ts';
import type { LocalChanges } from '../pubsub/local-changes.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import { getIntent } from '../store/intents.ts';
import { type AppendItem, type StreamInfo, type StreamPage, appendStream, appendStreams, closeStream, listStreams, readStream } from '../store/streams.ts';
import { Coalescer, type Pending } from '../services/coalesce.ts';
import type { Appended } from '../store/streams.ts';
import { StreamReader } from './intent-stream.ts';
import { budgetGuarded } from '../services/budget-guard.ts';
import { type Commit, createCommit } from '../services/commit.ts';

/** Chunks one page (query or subscription message) carries at most by default, and at most when asked. */
export const PAGE_CHUNKS = 1000;
export const MAX_PAGE_CHUNKS = 10_000;
/** About this many UTF-8 bytes per page (at least one chunk). */
export const PAGE_BYTES = 1024 * 1024;
/**
 * A page's JSON may be up to 6x its text (\u escapes of control characters); it must stay
 * under AXME_SUBSCRIPTION_MAX_EVENT_BYTES, or the page would be replaced by an error and
 * its chunks skipped by a reader that resumes from the next page.
 */
const JSON_GROWTH = 8;

/** Appends one grouped statement carries at most. */
const MAX_APPENDS_PER_STATEMENT = 200;

export interface AppendResult {
  stream: string;
  from: number;
  next: number;
}

export class StreamService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly pubsub: PubSub;
  private readonly config: Config;
  private readonly open = new Set<StreamReader>();
  private readonly pageBytes: number;
  /** How a lease call that answers BUDGET_EXCEEDED stops the intent first (services/budget-guard.ts). */
  private readonly budgetStop: { commit: Commit; clock: Clock };
  /** Concurrent appends (of many agents) share one statement and commit: see write(). */
  private readonly appends = new Coalescer<AppendItem, Appended>((b) => this.write(b), { maxItems: MAX_APPENDS_PER_STATEMENT });

  constructor(db: Db, clock: Clock, pubsub: PubSub, local: LocalChanges, config: Config) {
    this.db = db;
    this.clock = clock;
    this.pubsub = pubsub;
    this.config = config;
    this.budgetStop = { commit: createCommit(db, pubsub, local), clock };
    this.pageBytes = Math.max(1, Math.min(PAGE_BYTES, Math.floor(config.subscriptionMaxEventBytes / JSON_GROWTH)));
  }

  /** Appends chunks to the named stream of an intent the caller holds the lease of; they get the next indexes. */
  async append(c: Caller, id: string, token: string, stream: string, chunks: readonly string[]): Promise<AppendResult> {
    const intentId = v.id('id', id);
    const leaseToken = v.id('leaseToken', token);
    const name = v.name('stream', stream);
    const max = this.config.streamMaxChunks;
    if (chunks.length === 0 || chunks.length > max) throw badInput(`chunks must hold 1–${max} chunks`, { field: 'chunks', count: chunks.length, limit: max });
    let bytes = 0;
    for (const chunk of chunks) {
      v.storable('chunks', chunk);
      bytes += Buffer.byteLength(chunk);
    }
    if (bytes > this.config.maxPayloadBytes) {
      throw new AxmeError('PAYLOAD_TOO_LARGE', `chunks are ${bytes} bytes; one append may carry ${this.config.maxPayloadBytes}`, {
        field: 'chunks', bytes, limit: this.config.maxPayloadBytes,
      });
    }
    const r = await budgetGuarded(this.budgetStop, c.namespace, intentId, leaseToken, () =>
      this.appends.run({ ns: c.namespace, id: intentId, token: leaseToken, name, chunks, bytes }));
    this.announce(c.namespace, intentId, name);
    return { stream: name, ...r };
  }

  /**
   * One statement for the first append to each stream in the batch; a second append to
   * the same stream, and any the statement left out (refused) or a failed statement,
   * go alone, in order, so each caller gets its own answer or its own error.
   */
  private async write(batch: Pending<AppendItem, Appended>[]): Promise<void> {
    const now = this.clock.now();
    const max = this.config.streamMaxBytes;
    const alone = (p: Pending<AppendItem, Appended>) => {
      const i = p.item;
      return appendStream(this.db, i.ns, i.id, i.token, i.name, i.chunks, i.bytes, max, now).then(p.resolve, p.reject);
    };
    if (batch.length === 1) return alone(batch[0]!);
    const seen = new Set<string>();
    const grouped: Pending<AppendItem, Appended>[] = [];
    const later: Pending<AppendItem, Appended>[] = [];
    for (const p of batch) {
      const key = `${p.item.id} ${p.item.name}`;
      (seen.has(key) ? later : grouped).push(p);
      seen.add(key);
    }
    let lengths = new Map<number, number>();
    try {
      lengths = await appendStreams(this.db, grouped.map((p) => p.item), max, now);
    } catch {
      // a deadlock with another instance's batch, say: each goes alone below
    }
    const refused: Pending<AppendItem, Appended>[] = [];
    grouped.forEach((p, k) => {
      const length = lengths.get(k);
      if (length === undefined) refused.push(p);
      else p.resolve({ from: length - p.item.chunks.length, next: length });
    });
    for (const p of [...refused, ...later]) await alone(p);
  }

  /** Ends a stream before its intent finishes; readers stop at its length. Returns the length. */
  async close(c: Caller, id: string, token: string, stream: string): Promise<AppendResult> {
    const intentId = v.id('id', id);
    const name = v.name('stream', stream);
    const leaseToken = v.id('leaseToken', token);
    const length = await budgetGuarded(this.budgetStop, c.namespace, intentId, leaseToken, () =>
      closeStream(this.db, c.namespace, intentId, leaseToken, name, this.clock.now()));
    this.announce(c.namespace, intentId, name);
    return { stream: name, from: length, next: length };
  }

  /** A page of chunks from index `from`. */
  async read(c: Caller, id: string, stream: string, from: number | null | undefined, limit: number | null | undefined): Promise<StreamPage> {
    const intentId = v.id('id', id);
    const name = v.name('stream', stream);
    const start = v.intInRange('from', from, 0, 0, 2 ** 31 - 1);
    const max = v.intInRange('limit', limit, PAGE_CHUNKS, 1, MAX_PAGE_CHUNKS);
    const page = await readStream(this.db, c.namespace, intentId, name, start, max, this.pageBytes);
    if (!page) throw notFound('intent', intentId);
    return page;
  }

  list(c: Caller, intentId: string): Promise<StreamInfo[]> {
    return listStreams(this.db, c.namespace, intentId);
  }

  /** Pages from `from` now, then as chunks arrive, until the stream is closed and read to its end. */
  async follow(c: Caller, id: string, stream: string, from: number | null | undefined): Promise<StreamReader> {
    const intentId = v.id('id', id);
    const name = v.name('stream', stream);
    const start = v.intInRange('from', from, 0, 0, 2 ** 31 - 1);
    if (!(await getIntent(this.db, c.namespace, intentId))) throw notFound('intent', intentId);
    const reader: StreamReader = new StreamReader({
      db: this.db, pubsub: this.pubsub, namespace: c.namespace, intentId, stream: name, from: start,
      maxChunks: PAGE_CHUNKS, maxBytes: this.pageBytes, pollMs: this.config.subscriptionPollMs,
      onClose: () => this.open.delete(reader),
    });
    this.open.add(reader);
    return reader;
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Ends every open reader (shutdown); clients resume from their `next` elsewhere. */
  close_(): void {
    for (const r of [...this.open]) r.end();
  }

  private announce(namespace: string, intentId: string, name: string): void {
    this.pubsub.publish(channels.streams(namespace), `${intentId} ${name}`);
  }
}
