/**
 * The intent operations as the API offers them: validate input, run the store's
 * SQL with the service clock's `now`, and announce committed changes. Resolvers call
 * this and nothing below it.
 */
import type { Caller } from '../core/caller.ts';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import { AxmeError, badInput } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Logger } from '../core/log.ts';
import type { PubSub } from '../pubsub/types.ts';
import type { Change } from '../store/events.ts';
import { listEvents } from '../store/events.ts';
import * as store from '../store/intents.ts';
import { type IntentFilter, countIntents, decodeListCursor, listIntents } from '../store/list.ts';
import type { Intent, IntentError, IntentEvent } from '../core/model.ts';
import * as v from '../core/validate.ts';
import { waitForWork } from './wait-for-work.ts';
import { type AbortLike, linkSignals } from '../core/abort.ts';
import { observeClaimWait } from '../telemetry/metrics.ts';
import { announceChanges } from './announce.ts';
import { MAX_BATCH, WriteGroups } from './write-groups.ts';
import { type SchedulingInput, retryRunAt, schedulingFields, validRetryAfter } from './scheduling.ts';

export interface Lease {
  token: string;
  expiresAt: Date;
  intent: Intent;
}

export interface SubmitInput extends SchedulingInput {
  type: string;
  input?: unknown;
  idempotencyKey?: string | null;
  priority?: number | null;
  runAt?: Date | null;
  maxAttempts?: number | null;
  parentId?: string | null;
  labels?: readonly string[] | null;
}

export interface ClaimInput {
  types: readonly string[];
  agent?: string | null;
  leaseSeconds?: number | null;
  waitSeconds?: number | null;
}

export interface FailInput {
  message: string;
  code?: string | null;
  retryable?: boolean | null;
  details?: unknown;
  /** Run the next attempt no sooner than this (a rate-limited provider's Retry-After); overrides the backoff. */
  retryAfterSeconds?: number | null;
}

export interface CompleteItem {
  id: string;
  leaseToken: string;
  output?: unknown;
}

/** One item of a batch: the intent it changed, or why it did not. */
export interface ItemResult {
  id: string;
  intent?: Intent;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export interface ListInput {
  filter?: IntentFilter | null;
  first?: number | null;
  after?: string | null;
}

export class IntentService {
  private readonly closing = new AbortController();
  /** Aborted by close(); long polls listen to it while they wait, and only then. */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  readonly db: Db;
  readonly clock: Clock;
  readonly pubsub: PubSub;
  readonly config: Config;
  private readonly log: Logger;
  private readonly writes: WriteGroups;

  constructor(db: Db, clock: Clock, pubsub: PubSub, config: Config, log: Logger) {
    this.db = db;
    this.clock = clock;
    this.pubsub = pubsub;
    this.config = config;
    this.log = log;
    this.writes = new WriteGroups(db, pubsub, clock);
  }

  async get(c: Caller, id: string): Promise<Intent | null> {
    return store.getIntent(this.db, c.namespace, v.id('id', id));
  }

  async list(c: Caller, a: ListInput) {
    const first = v.intInRange('first', a.first, 20, 0, 500);
    const after = a.after ? decodeListCursor(a.after) : null;
    const f = a.filter ?? {};
    const filter: IntentFilter = {
      statuses: f.statuses ?? null,
      types: f.types ?? null,
      parentId: v.optionalId('filter.parentId', f.parentId),
      labels: f.labels ?? null,
    };
    const page = await listIntents(this.db, c.namespace, filter, first, after);
    return { ...page, count: () => countIntents(this.db, c.namespace, filter) };
  }

  async events(c: Caller, intentId: string, afterSeq: number | null | undefined, first: number | null | undefined): Promise<IntentEvent[]> {
    const id = v.id('intentId', intentId);
    const after = v.intInRange('after', afterSeq, 0, 0, 2 ** 31 - 1);
    const limit = v.intInRange('first', first, 1000, 1, 10_000);
    const events = await listEvents(this.db, c.namespace, id, after, limit);
    if (events.length === 0 && !(await store.getIntent(this.db, c.namespace, id))) {
      throw new AxmeError('NOT_FOUND', `intent ${id} not found`, { id });
    }
    return events;
  }

  async submit(c: Caller, a: SubmitInput): Promise<Intent> {
    const now = this.clock.now();
    const n: store.NewIntent = {
      id: uuidv7(now.getTime()),
      type: v.name('type', a.type),
      input: v.payload('input', a.input ?? {}, this.config.maxPayloadBytes),
      idempotencyKey: v.text('idempotencyKey', a.idempotencyKey, 200),
      priority: v.intInRange('priority', a.priority, 0, 0, 1000),
      runAt: v.date('runAt', a.runAt) ?? now,
      maxAttempts: v.intInRange('maxAttempts', a.maxAttempts, this.config.defaultMaxAttempts, 1, 100),
      parentId: v.optionalId('parentId', a.parentId),
      labels: v.labels(a.labels),
    };
    Object.assign(n, schedulingFields(a, n.runAt, now));
    return this.writes.submit(c.namespace, { intent: n, actor: c.principal, now });
  }

  /** Leases the next intent; with waitSeconds, waits for one to arrive before answering null. */
  async claim(c: Caller, a: ClaimInput, signal?: AbortLike): Promise<Lease | null> {
    return (await this.claimMany(c, { ...a, limit: 1 }, signal))[0] ?? null;
  }

  /**
   * Leases up to `limit` intents in one statement, in claim order; with waitSeconds,
   * waits for at least one before answering with none.
   */
  async claimMany(c: Caller, a: ClaimInput & { limit: number }, signal?: AbortLike): Promise<Lease[]> {
    const limit = v.intInRange('limit', a.limit, 1, 1, MAX_BATCH);
    const types = v.nonEmptyNames('types', a.types);
    const agent = v.text('agent', a.agent, 200) ?? 'anonymous';
    const leaseSeconds = v.intInRange('leaseSeconds', a.leaseSeconds, this.config.defaultLeaseSeconds, 1, this.config.maxLeaseSeconds);
    const waitSeconds = v.intInRange('waitSeconds', a.waitSeconds, 0, 0, this.config.maxWaitSeconds);
    const giveUpAt = Date.now() + waitSeconds * 1000;
    const started = performance.now();
    const link = linkSignals([signal, this.closing.signal]);
    try {
      return await this.claimUntil(c.namespace, types, leaseSeconds, c.principal ?? agent, limit, giveUpAt, started, link.signal);
    } finally {
      link.dispose();
    }
  }

  private async claimUntil(
    namespace: string, types: string[], leaseSeconds: number, agent: string, limit: number,
    giveUpAt: number, started: number, stop: AbortSignal,
  ): Promise<Lease[]> {
    for (;;) {
      const changes = await this.writes.claim(namespace, types, leaseSeconds, agent, limit);
      if (changes.length > 0) {
        observeClaimWait(started, true);
        return changes.map(({ intent }) => ({ token: intent.leaseToken!, expiresAt: intent.leaseExpiresAt!, intent }));
      }
      const left = giveUpAt - Date.now();
      if (left <= 0 || stop.aborted) {
        observeClaimWait(started, false);
        return [];
      }
      await waitForWork(this.pubsub, namespace, types, Math.min(left, this.config.claimPollMs), stop);
      // a caller that went away must not be handed leases nobody will work on
      if (stop.aborted) {
        observeClaimWait(started, false);
        return [];
      }
    }
  }

  async heartbeat(c: Caller, id: string, token: string, leaseSeconds: number | null | undefined): Promise<Lease> {
    const secs = v.intInRange('leaseSeconds', leaseSeconds, this.config.defaultLeaseSeconds, 1, this.config.maxLeaseSeconds);
    const intent = await store.heartbeatIntent(this.db, c.namespace, v.id('id', id), v.id('leaseToken', token), secs, this.clock.now());
    return { token: intent.leaseToken!, expiresAt: intent.leaseExpiresAt!, intent };
  }

  async checkpoint(c: Caller, id: string, token: string, checkpoint: unknown): Promise<Intent> {
    const data = v.payload('checkpoint', checkpoint, this.config.maxPayloadBytes);
    return this.apply(store.checkpointIntent(this.db, c.namespace, v.id('id', id), v.id('leaseToken', token), data, c.principal, this.clock.now()));
  }

  async complete(c: Caller, id: string, token: string, output: unknown): Promise<Intent> {
    const data = v.payload('output', output, this.config.maxPayloadBytes);
    return this.writes.complete(c.namespace, c.principal, { id: v.id('id', id), token: v.id('leaseToken', token), output: data });
  }

  /**
   * Completes many leased intents, in one statement where it can. Each item succeeds
   * or fails on its own: a bad or stale item gets its error in its result, and the
   * others complete.
   */
  async completeMany(c: Caller, items: readonly CompleteItem[]): Promise<ItemResult[]> {
    if (items.length > MAX_BATCH) throw badInput(`at most ${MAX_BATCH} items per request`, { limit: MAX_BATCH });
    const results: ItemResult[] = items.map((i) => ({ id: String(i.id) }));
    const valid: { at: number; item: store.Completion }[] = [];
    items.forEach((i, at) => {
      try {
        const data = v.payload('output', i.output, this.config.maxPayloadBytes);
        valid.push({ at, item: { id: v.id('id', i.id), token: v.id('leaseToken', i.leaseToken), output: data } });
      } catch (e) {
        results[at]!.error = this.itemError(e);
      }
    });
    const settled = await this.writes.completeAll(c.namespace, c.principal, valid.map((x) => x.item));
    settled.forEach((s, i) => {
      const r = results[valid[i]!.at]!;
      if ('intent' in s) r.intent = s.intent;
      else r.error = this.itemError(s.error);
    });
    return results;
  }

  async fail(c: Caller, id: string, token: string, e: FailInput): Promise<Intent> {
    const error: IntentError = {
      message: v.text('error.message', e.message, 10_000) ?? '',
      code: v.text('error.code', e.code, 200),
      retryable: e.retryable ?? true,
      details: e.details ?? null,
    };
    v.payload('error', error, this.config.maxPayloadBytes);
    const now = this.clock.now();
    const runAt = retryRunAt(this.config, now, validRetryAfter(e.retryAfterSeconds));
    return this.apply(store.failIntent(this.db, c.namespace, v.id('id', id), v.id('leaseToken', token), error, c.principal, now, runAt));
  }

  async cancel(c: Caller, id: string, reason: string | null | undefined): Promise<Intent> {
    const why = v.text('reason', reason, 2000);
    return this.apply(store.cancelIntent(this.db, c.namespace, v.id('id', id), why, c.principal, this.clock.now()));
  }

  async retry(c: Caller, id: string): Promise<Intent> {
    return this.apply(store.retryIntent(this.db, c.namespace, v.id('id', id), c.principal, this.clock.now()));
  }

  /** An item's own error; an unexpected one is logged and reported as INTERNAL, as a request's would be. */
  private itemError(e: unknown): NonNullable<ItemResult['error']> {
    if (e instanceof AxmeError) return { code: e.code, message: e.message, details: e.details };
    this.log.error({ err: e }, 'batch item failed');
    return { code: 'INTERNAL', message: 'internal error' };
  }

  /** Ends waiting claims so shutdown is not held up by long polls. */
  close(): void {
    this.closing.abort();
  }

  private async apply(pending: Promise<Change>): Promise<Intent> {
    const change = await pending;
    this.announce(change);
    return change.intent;
  }

  /** Called only after the change's transaction committed. */
  private announce(change: Change): void {
    announceChanges(this.pubsub, [change]);
  }
}

/**
 * A companion of the service (waits, approvals, operator controls) made once per
 * service instance, over the same database, clock and notifications.
 */
export function perService<T>(make: (service: IntentService) => T): (service: IntentService) => T {
  const made = new WeakMap<IntentService, T>();
  return (service) => {
    let companion = made.get(service);
    if (!companion) made.set(service, (companion = make(service)));
    return companion;
  };
}
