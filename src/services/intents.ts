/**
 * The intent operations as the API offers them: validate input, run the store's SQL
 * with the service clock's `now`, and write through commit() (commit.ts), which
 * announces the changes once they committed. Hot writes go through group commit
 * (write-groups.ts). Resolvers and loaders reach intents only through here.
 */
import { knownIntentTypes } from '../store/intent-types.ts';
import type { Caller } from '../core/caller.ts';
import type { Queryable } from '../db/types.ts';
import { AxmeError, badInput } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Change } from '../store/events.ts';
import { listEvents, listEventsOfMany } from '../store/events.ts';
import * as store from '../store/intents.ts';
import { type IntentFilter, countIntents, countIntentsByStatus, decodeListCursor, listIntents } from '../store/list.ts';
import type { Intent, IntentError, IntentEvent } from '../core/model.ts';
import * as v from '../core/validate.ts';
import { validateBudget } from '../core/budget.ts';
import { waitForWork } from './wait-for-work.ts';
import { ProvenLive } from './proven-live.ts';
import { IdleClaims } from './idle-claims.ts';
import { HandOff } from './hand-off.ts';
import { type AbortLike, linkSignals } from '../core/abort.ts';
import { observeClaimWait } from '../telemetry/metrics.ts';
import { Service, type ServiceDeps } from './deps.ts';
import { MAX_ITEMS_PER_STATEMENT, WriteGroups } from './write-groups.ts';
import { liveSessionOrThrow, releaseHeldLease } from '../store/workers.ts';
import { retryRunAt, schedulingFields, validRetryAfter } from './scheduling.ts';
import { escalationFor } from './escalations.ts';
import type { LastStepInput, StepService } from './steps.ts';
import {
  type ClaimInput, type CompleteItem, type FailInput, type ItemResult, type Lease, type ListInput, type SubmitInput, listFilter,
} from './intent-inputs.ts';

export type { ClaimInput, CompleteItem, FailInput, ItemResult, Lease, ListInput, SubmitInput } from './intent-inputs.ts';

export class IntentService extends Service {
  private readonly closing = new AbortController();
  /** Aborted by close(); long polls listen to it while they wait, and only then. */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  private readonly writes: WriteGroups;
  private readonly steps: StepService;
  private readonly idle: IdleClaims;
  private readonly provenLive: ProvenLive;
  /** Claims waiting here, for submits to lease new intents to (hand-off.ts). */
  private readonly handOff = new HandOff();

  constructor(d: ServiceDeps, steps: StepService) {
    super(d);
    this.writes = new WriteGroups(d.db, d.clock, d.commit, this.handOff);
    this.steps = steps;
    this.idle = new IdleClaims(d.pubsub);
    this.provenLive = new ProvenLive(d.config.claimPollMs);
  }

  async get(c: Caller, id: string): Promise<Intent | null> {
    return store.getIntent(this.db, c.namespace, v.id('id', id));
  }

  /** Several intents in one query, for per-request loaders; ids come from stored rows, so they are not validated. */
  async getMany(c: Caller, ids: readonly string[]): Promise<Intent[]> {
    return store.getIntents(this.db, c.namespace, ids);
  }

  /** The first `limit` events of each of several intents in one query, for per-request loaders. */
  async eventsOfMany(c: Caller, ids: readonly string[], limit: number): Promise<Map<string, IntentEvent[]>> {
    return listEventsOfMany(this.db, c.namespace, ids, limit);
  }

  async list(c: Caller, a: ListInput) {
    const first = v.intInRange('first', a.first, 20, 0, 500);
    const after = a.after ? decodeListCursor(a.after) : null;
    const filter = listFilter(a.filter);
    const page = await listIntents(this.db, c.namespace, filter, first, after);
    return { ...page, count: () => countIntents(this.db, c.namespace, filter) };
  }

  /** Intents per status under a filter: exact up to `cap` (default 1,000) each, estimated beyond, so it stays cheap on any table. */
  async countByStatus(c: Caller, filter: IntentFilter | null | undefined, cap: number | null | undefined) {
    const limit = v.intInRange('cap', cap, 1_000, 1, 100_000);
    const counts = await countIntentsByStatus(this.db, c.namespace, listFilter(filter), limit);
    return { cap: limit, counts };
  }

  /** The intent types the namespace uses (store/intent-types.ts): among its newest `window` intents, or with a policy or pause. */
  async knownTypes(c: Caller, window = 1_000) {
    return knownIntentTypes(this.db, c.namespace, v.intInRange('window', window, 1_000, 1, 10_000));
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
    return (await this.submitted(c, a)).intent;
  }

  /** submit, saying whether this call wrote the intent, or answered one an idempotency key had submitted before (read, not written). */
  async submitted(c: Caller, a: SubmitInput): Promise<{ intent: Intent; written: boolean }> {
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
      budget: validateBudget('budget', a.budget),
    };
    Object.assign(n, schedulingFields(a, n.runAt, now));
    const intent = await this.writes.submit(c.namespace, { intent: n, actor: c.principal, now });
    return { intent, written: intent.id === n.id };
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
    const limit = v.intInRange('limit', a.limit, 1, 1, MAX_ITEMS_PER_STATEMENT);
    const types = v.nonEmptyNames('types', a.types);
    const agent = v.text('agent', a.agent, 200) ?? 'anonymous';
    const leaseSeconds = v.intInRange('leaseSeconds', a.leaseSeconds, this.config.defaultLeaseSeconds, 1, this.config.maxLeaseSeconds);
    const waitSeconds = v.intInRange('waitSeconds', a.waitSeconds, 0, 0, this.config.maxWaitSeconds);
    // a named session is checked by the claim statement itself (a dead one's claim takes
    // nothing); claimUntil reads it only when a claim found nothing or is about to wait
    const workerId = v.optionalId('workerId', a.workerId);
    const giveUpAt = Date.now() + waitSeconds * 1000;
    const started = performance.now();
    const link = linkSignals([signal, this.closing.signal]);
    try {
      const who = { agent: c.principal ?? agent, worker: workerId };
      return await this.claimUntil(c.namespace, types, leaseSeconds, who, limit, giveUpAt, started, link.signal);
    } finally {
      link.dispose();
    }
  }

  private async claimUntil(
    namespace: string, types: string[], leaseSeconds: number, who: { agent: string; worker: string | null }, limit: number,
    giveUpAt: number, started: number, stop: AbortSignal,
  ): Promise<Lease[]> {
    // a long poll right after a claim that found no more work, with nothing announced since, waits first
    let waitFirst = giveUpAt > Date.now() && this.idle.nothingNew(namespace, types);
    // a dead session gets its error now, not after waiting out waitSeconds; one a claim
    // statement leased to moments ago needs no read (see provenLive)
    if (waitFirst && who.worker && !this.provenLive.recent(namespace, who.worker)) await liveSessionOrThrow(this.db, namespace, who.worker);
    for (;;) {
      let changes: Change[] = [];
      let announcedMeanwhile = false;
      if (!waitFirst) {
        const epoch = this.idle.epoch(namespace, types);
        changes = await this.writes.claim(namespace, types, leaseSeconds, who.agent, limit, who.worker);
        // nothing: no work, or the session is gone (the statement leases only to live ones);
        // a dead one throws so the worker registers again, and must not mark the types idle
        if (changes.length === 0 && who.worker) await liveSessionOrThrow(this.db, namespace, who.worker);
        // fewer than asked for: the statement took every claimable one
        if (changes.length < limit) this.idle.foundNothing(namespace, types, epoch);
        // work announced while the statement ran may have committed after its snapshot
        announcedMeanwhile = this.idle.epoch(namespace, types) !== epoch;
      }
      waitFirst = false;
      if (changes.length > 0) return this.leased(namespace, changes, who.worker, started, stop);
      const left = giveUpAt - Date.now();
      if (left <= 0 || stop.aborted) {
        observeClaimWait(started, false);
        return [];
      }
      if (announcedMeanwhile) continue;
      const parked = this.handOff.park(namespace, { agent: who.agent, worker: who.worker, leaseSeconds, types });
      let handed: Change | null;
      try {
        await waitForWork(this.pubsub, namespace, types, Math.min(left, this.config.claimPollMs), stop, parked.taken);
      } finally {
        handed = await parked.leave();
      }
      // a submit leased its intent to this claim: answered as a claim statement's lease
      if (handed) return this.leased(namespace, [handed], who.worker, started, stop);
      // a caller that went away must not be handed leases nobody will work on
      if (stop.aborted) {
        observeClaimWait(started, false);
        return [];
      }
    }
  }

  /** A claim's answer once it holds leases (a claim statement's, or one a submit handed it). */
  private async leased(namespace: string, changes: Change[], worker: string | null, started: number, stop: AbortSignal): Promise<Lease[]> {
    if (stop.aborted) {
      // the caller went away meanwhile: nobody will work on these, so they go back now
      // (attempt not spent) instead of waiting out their leases
      await this.releaseUnstarted(namespace, changes);
      observeClaimWait(started, false);
      return [];
    }
    if (worker) this.provenLive.saw(namespace, worker);
    observeClaimWait(started, true);
    return changes.map(({ intent }) => ({ token: intent.leaseToken!, expiresAt: intent.leaseExpiresAt!, intent }));
  }

  async heartbeat(c: Caller, id: string, token: string, leaseSeconds: number | null | undefined): Promise<Lease> {
    const secs = v.intInRange('leaseSeconds', leaseSeconds, this.config.defaultLeaseSeconds, 1, this.config.maxLeaseSeconds);
    const [i, t] = [v.id('id', id), v.id('leaseToken', token)];
    const intent = await this.leaseCall(c.namespace, i, t, () => store.heartbeatIntent(this.db, c.namespace, i, t, secs, this.clock.now()));
    return { token: intent.leaseToken!, expiresAt: intent.leaseExpiresAt!, intent };
  }

  async checkpoint(c: Caller, id: string, token: string, checkpoint: unknown): Promise<Intent> {
    const data = v.payload('checkpoint', checkpoint, this.config.maxPayloadBytes);
    const [i, t] = [v.id('id', id), v.id('leaseToken', token)];
    const now = this.clock.now();
    const { changes } = await this.leaseCall(c.namespace, i, t, () =>
      this.commit.statement(async (q) => ({ changes: [await store.checkpointIntent(q, c.namespace, i, t, data, c.principal, now)] })));
    return changes[0]!.intent;
  }

  async complete(c: Caller, id: string, token: string, output: unknown, lastStep?: LastStepInput | null): Promise<Intent> {
    const data = v.payload('output', output, this.config.maxPayloadBytes);
    const item = { id: v.id('id', id), token: v.id('leaseToken', token), output: data };
    if (lastStep) {
      // its statement holds the budget check (LEASED); over budget it records nothing, and the
      // fallback's record (budget-guarded) answers BUDGET_EXCEEDED and stops the intent
      const done = await this.steps.completeWithLast(c, item.id, item.token, lastStep, data);
      if (done) return done;
    }
    return this.leaseCall(c.namespace, item.id, item.token, () => this.writes.complete(c.namespace, c.principal, item));
  }

  /**
   * Completes many leased intents, in one statement where it can. Each item succeeds
   * or fails on its own: a bad or stale item gets its error in its result, and the
   * others complete.
   */
  async completeMany(c: Caller, items: readonly CompleteItem[]): Promise<ItemResult[]> {
    if (items.length > MAX_ITEMS_PER_STATEMENT) throw badInput(`at most ${MAX_ITEMS_PER_STATEMENT} items per request`, { limit: MAX_ITEMS_PER_STATEMENT });
    const results: ItemResult[] = items.map((i) => ({ id: String(i.id) }));
    // items naming the same intent settle in the order sent: the n-th item of each intent
    // goes in round n, after the rounds before it; rounds are statements one after another,
    // so an intent named more than MAX_SAME_INTENT times gets an error for the rest
    const rounds = roundsById(items);
    for (const round of rounds.slice(0, MAX_SAME_INTENT)) await this.completeRound(c, items, round, results);
    for (const at of rounds.slice(MAX_SAME_INTENT).flat()) {
      results[at]!.error = this.itemError(badInput(`an intent may be named at most ${MAX_SAME_INTENT} times in one request`, { limit: MAX_SAME_INTENT, field: 'id' }));
    }
    return results;
  }

  private async completeRound(c: Caller, items: readonly CompleteItem[], round: number[], results: ItemResult[]): Promise<void> {
    const valid: { at: number; item: store.Completion }[] = [];
    // an item with its last step goes in its own statement; one that statement could not
    // write (its step now recorded on its own) completes with the others
    await Promise.all(round.map(async (at) => {
      const i = items[at]!;
      try {
        const data = v.payload('output', i.output, this.config.maxPayloadBytes);
        const item = { id: v.id('id', i.id), token: v.id('leaseToken', i.leaseToken), output: data };
        const done = i.lastStep ? await this.steps.completeWithLast(c, item.id, item.token, i.lastStep, data) : null;
        if (done) results[at]!.intent = done;
        else valid.push({ at, item });
      } catch (e) {
        results[at]!.error = this.itemError(e);
      }
    }));
    valid.sort((a, b) => a.at - b.at);
    const settled = await this.writes.completeAll(c.namespace, c.principal, valid.map((x) => x.item));
    for (const [i, s] of settled.entries()) {
      const r = results[valid[i]!.at]!;
      if ('intent' in s) r.intent = s.intent;
      else {
        const { id: itemId, token } = valid[i]!.item;
        // an item refused over budget stops its intent as a lone complete would (budget-guard.ts)
        r.error = this.itemError(await this.leaseCall(c.namespace, itemId, token, () => Promise.reject(s.error)).catch((e: unknown) => e));
      }
    }
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
    const [i, t] = [v.id('id', id), v.id('leaseToken', token)];
    return this.leaseCall(c.namespace, i, t, () => this.apply((tx) => store.failIntent(tx, c.namespace, i, t, error, c.principal, now, runAt, escalationFor(this.config))));
  }

  async cancel(c: Caller, id: string, reason: string | null | undefined): Promise<Intent> {
    const why = v.text('reason', reason, 2000);
    const i = v.id('id', id);
    const now = this.clock.now();
    return this.apply((tx) => store.cancelIntent(tx, c.namespace, i, why, c.principal, now));
  }

  async retry(c: Caller, id: string): Promise<Intent> {
    const i = v.id('id', id);
    const now = this.clock.now();
    return this.apply((tx) => store.retryIntent(tx, c.namespace, i, c.principal, now));
  }

  /**
   * The holder gives back a lease it never started work on: PENDING at once, the attempt
   * not spent (lifecycle `releaseIntent`). LEASE_LOST when the lease is not the caller's.
   */
  async release(c: Caller, id: string, token: string): Promise<Intent> {
    const [i, t] = [v.id('id', id), v.id('leaseToken', token)];
    const now = this.clock.now();
    const { changes } = await this.commit.statement(async (q) => {
      const change = await releaseHeldLease(q, c.namespace, i, t, c.principal, now);
      if (!change) throw await store.whyNot(q, c.namespace, i, 'releaseIntent', t, now);
      return { changes: [change] };
    });
    return changes[0]!.intent;
  }

  private async releaseUnstarted(namespace: string, changes: readonly Change[]): Promise<void> {
    const now = this.clock.now();
    await this.commit.statement(async (q) => {
      const released: Change[] = [];
      for (const { intent } of changes) {
        const r = await releaseHeldLease(q, namespace, intent.id, intent.leaseToken!, null, now);
        if (r) released.push(r);
      }
      return { changes: released };
    }).catch((err: unknown) => this.log.warn({ err }, 'could not release the leases of an abandoned claim; they expire instead'));
  }

  /** Ends waiting claims so shutdown is not held up by long polls. */
  close(): void {
    this.closing.abort();
    this.idle.close();
  }

  /** One change in one transaction: the intent as it left it. */
  private async apply(write: (tx: Queryable) => Promise<Change>): Promise<Intent> {
    const { changes } = await this.commit(async (tx) => ({ changes: [await write(tx)] }));
    return changes[0]!.intent;
  }
}

/** How many items of one completeIntents request may name the same intent. */
const MAX_SAME_INTENT = 10;

/** Item indexes by round: round n holds the n-th item sent for each intent, in batch order. */
function roundsById(items: readonly { id: unknown }[]): number[][] {
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  items.forEach((i, at) => {
    // ids are case-insensitive (v.id lowers them): ABC… and abc… are one intent
    const id = String(i.id).toLowerCase();
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    (rounds[n] ??= []).push(at);
  });
  return rounds;
}
