/**
 * Group commit for the hot writes. Concurrent submits share one INSERT, concurrent
 * claims of the same types one claim, and concurrent completes one UPDATE (see
 * coalesce.ts): under load a statement and a round trip carry many intents, and an
 * idle server adds no wait. Each caller still gets its own answer: a row the
 * database refuses fails only its own call.
 */
import { Coalescer, type Pending } from './coalesce.ts';
import { type Commit, changed } from './commit.ts';
import type { Db } from '../db/types.ts';
import type { Change } from '../store/events.ts';
import * as store from '../store/intents.ts';
import type { Intent } from '../core/model.ts';
import type { Clock } from '../core/clock.ts';
import type { HandOff, Taken } from './hand-off.ts';

/**
 * Intents one grouped statement writes at most; also the limit of one claimIntents or
 * completeIntents call. (Config's maxBatchedOperations is another thing: GraphQL
 * operations in one HTTP request.)
 */
export const MAX_ITEMS_PER_STATEMENT = 1000;

// One statement of each kind in flight per instance (coalesce.ts): measured with 8
// busy clients, two in flight grouped only ~1.4 claims or completes per statement and
// cost 15–20% more server CPU per operation. None of these statements waits on a lock
// held for long: claims skip locked rows, completes and submits touch rows that only
// short single-statement or single-row transactions hold, and a statement writes at
// most MAX_ITEMS_PER_STATEMENT rows.

interface QueuedSubmit {
  namespace: string;
  submission: store.Submission;
}

interface QueuedClaim {
  namespace: string;
  types: string[];
  leaseSeconds: number;
  agent: string;
  /** The worker session the leases are for (claims of several sessions share a statement). */
  worker: string | null;
  limit: number;
}

interface QueuedCompletion {
  namespace: string;
  actor: string | null;
  completion: store.Completion;
}

export type Settled = { intent: Intent } | { error: unknown };

export class WriteGroups {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly commit: Commit;
  private readonly handOff: HandOff;
  private readonly submits = new Coalescer<QueuedSubmit, Intent>((b) => this.writeSubmits(b), { maxItems: MAX_ITEMS_PER_STATEMENT });
  private readonly claims = new Coalescer<QueuedClaim, Change[]>((b) => this.writeClaims(b), { maxItems: MAX_ITEMS_PER_STATEMENT });
  private readonly completions = new Coalescer<QueuedCompletion, Intent>((b) => this.writeCompletions(b), { maxItems: MAX_ITEMS_PER_STATEMENT });

  constructor(db: Db, clock: Clock, commit: Commit, handOff: HandOff) {
    this.db = db;
    this.clock = clock;
    this.commit = commit;
    this.handOff = handOff;
  }

  submit(namespace: string, submission: store.Submission): Promise<Intent> {
    return this.submits.run({ namespace, submission });
  }

  /** Leases up to `limit` intents for `agent`; claims waiting at the same time for the same types share the statement. */
  claim(namespace: string, types: string[], leaseSeconds: number, agent: string, limit: number, worker: string | null = null): Promise<Change[]> {
    return this.claims.run({ namespace, types, leaseSeconds, agent, worker, limit });
  }

  complete(namespace: string, actor: string | null, completion: store.Completion): Promise<Intent> {
    return this.completions.run({ namespace, actor, completion });
  }

  /**
   * Completes the items in one statement; each it left out (a child intent, a stale
   * lease, a repeat) goes alone, which completes it or says why not. When the database
   * refuses the statement (one item's output, say), none of it was written, so every
   * item goes alone and only the refused one fails.
   */
  async completeAll(ns: string, actor: string | null, items: readonly store.Completion[]): Promise<Settled[]> {
    const now = this.clock.now();
    const none = { done: new Map<number, Change>() };
    const { done } = items.length
      ? await this.commit
        .statement(async (q) => {
          const done = await store.completeIntents(q, ns, items, actor, now);
          return { done, changes: [...done.values()] };
        })
        .catch(() => none)
      : none;
    const out: Settled[] = [];
    for (const [at, item] of items.entries()) {
      const change = done.get(at);
      if (change) {
        out.push({ intent: change.intent });
        continue;
      }
      try {
        out.push({ intent: (await this.completeOne(ns, actor, item)).intent });
      } catch (error) {
        out.push({ error });
      }
    }
    return out;
  }

  /** One statement for an intent without a parent; a child finishes in a transaction that may wake its parent. */
  private async completeOne(ns: string, actor: string | null, item: store.Completion): Promise<Change> {
    const now = this.clock.now();
    const alone = await this.commit.statement(async (q) => changed(await store.completeIntent(q, ns, item.id, item.token, item.output, actor, now)));
    if (alone.changes[0]) return alone.changes[0];
    if (!(await store.getIntent(this.db, ns, item.id))?.parentId) throw await store.whyNot(this.db, ns, item.id, 'complete', item.token, now);
    const locked = await this.commit(async (tx) => changed(await store.completeLocked(tx, ns, item.id, item.token, item.output, actor, now)));
    return locked.changes[0]!;
  }

  /** One statement per namespace; an intent a claim here waits for goes in leased to it (hand-off.ts). */
  private async writeSubmits(batch: Pending<QueuedSubmit, Intent>[]): Promise<void> {
    await eachGroup(Map.groupBy(batch, (p) => p.item.namespace).values(), async (group) => {
      const ns = group[0]!.item.namespace;
      const now = this.clock.now();
      const handed = this.takeWaitingClaims(ns, group.map((p) => p.item.submission.intent), now);
      const submissions = group.map((p) => {
        const s = p.item.submission;
        const taken = handed.get(s.intent.id);
        return taken ? { ...s, handTo: { ...taken.handTo, at: now } } : s;
      });
      let inserted: Map<string, store.SubmitChange> = new Map();
      try {
        ({ inserted } = await this.commit.statement(async (q) => {
          const inserted = await store.submitIntents(q, ns, submissions);
          return { inserted, changes: [...inserted.values()].flatMap((c) => (c.claimed ? [c.change, c.claimed] : [c.change])) };
        }));
      } catch (err) {
        return this.eachAlone(group, err, (p) => this.writeSubmits([p]));
      } finally {
        // a claim handed nothing goes back to its loop, which claims or waits as before
        for (const [id, taken] of handed) taken.settle(inserted.get(id)?.claimed ?? null);
      }
      await Promise.all(group.map(async (p) => {
        const n = p.item.submission.intent;
        const change = inserted.get(n.id)?.change;
        if (change) return p.resolve(change.intent);
        await store.settleSubmit(this.db, ns, n).then(p.resolve, p.reject);
      }));
    });
  }

  /**
   * Waiting claims for new intents, taken in claim order (priority, then runAt, then id) so
   * that each claim gets the one its own statement would take first. A claim whose types
   * have a due intent of this batch going in PENDING ahead of it gets none (the statement
   * cannot see this batch's rows): it goes back to its loop, as does one the statement
   * does not lease to.
   */
  private takeWaitingClaims(ns: string, intents: readonly store.NewIntent[], now: Date): Map<string, Taken> {
    const handed = new Map<string, Taken>();
    const pendingTypes = new Set<string>();
    for (const n of [...intents].sort(claimOrder)) {
      let taken = mayHandOff(n, now) ? this.handOff.take(ns, n.type) : null;
      if (taken && taken.handTo.types.some((t) => pendingTypes.has(t))) {
        taken.settle(null);
        taken = null;
      }
      if (taken) handed.set(n.id, taken);
      else if (isDue(n, now)) pendingTypes.add(n.type);
    }
    return handed;
  }

  /**
   * One statement per namespace, types and lease length, for the claimers' summed
   * limits (at most MAX_ITEMS_PER_STATEMENT a statement); the leases go out in claim order, the
   * first claimer's share first.
   */
  private async writeClaims(batch: Pending<QueuedClaim, Change[]>[]): Promise<void> {
    const groups = Map.groupBy(batch, (p) => JSON.stringify([p.item.namespace, p.item.types, p.item.leaseSeconds]));
    await eachGroup([...groups.values()].flatMap(bySlots), async (group) => {
      const { namespace, types, leaseSeconds } = group[0]!.item;
      const owner: number[] = group.flatMap((p, i) => Array<number>(p.item.limit).fill(i));
      const agents = owner.map((i) => group[i]!.item.agent);
      const workers = owner.map((i) => group[i]!.item.worker);
      let claimed: store.Claimed[];
      try {
        ({ claimed } = await this.commit.statement(async (q) => {
          const claimed = await store.claimIntents(q, namespace, { types, leaseSeconds, agents, workers }, this.clock.now());
          return { claimed, changes: claimed.map((c) => c.change) };
        }));
      } catch (err) {
        return this.eachAlone(group, err, (p) => this.writeClaims([p]));
      }
      const shares = group.map((): Change[] => []);
      for (const { change, slot } of claimed) shares[owner[slot]!]!.push(change);
      group.forEach((p, i) => p.resolve(shares[i]!));
    });
  }

  /** One statement per namespace and actor (the events' actor is one parameter). */
  private async writeCompletions(batch: Pending<QueuedCompletion, Intent>[]): Promise<void> {
    const groups = Map.groupBy(batch, (p) => `${p.item.namespace}\n${p.item.actor ?? ''}`);
    await eachGroup(groups.values(), async (group) => {
      const { namespace, actor } = group[0]!.item;
      let settled: Settled[];
      try {
        settled = await this.completeAll(namespace, actor, group.map((p) => p.item.completion));
      } catch (err) {
        return this.eachAlone(group, err, (p) => this.writeCompletions([p]));
      }
      settled.forEach((s, i) => ('intent' in s ? group[i]!.resolve(s.intent) : group[i]!.reject(s.error)));
    });
  }

  /** The statement failed: a lone item gets the error; a group retries one by one, so one bad row fails only its caller. */
  private async eachAlone<T, R>(group: Pending<T, R>[], err: unknown, alone: (p: Pending<T, R>) => Promise<void>): Promise<void> {
    if (group.length === 1) return group[0]!.reject(err);
    await Promise.all(group.map(alone));
  }
}

/**
 * Writes each group on its own: a group that throws rejects only its own callers,
 * while the other groups' statements, which may commit, still answer theirs.
 */
async function eachGroup<T, R>(groups: Iterable<Pending<T, R>[]>, write: (group: Pending<T, R>[]) => Promise<void>): Promise<void> {
  await Promise.all([...groups].map((group) => write(group).catch((err: unknown) => {
    for (const p of group) p.reject(err); // no-op for those already answered
  })));
}

/** Whether a claim statement would consider the intent now. */
function isDue(n: store.NewIntent, now: Date): boolean {
  return n.runAt.getTime() <= now.getTime() && (!n.deadline || n.deadline.getTime() > now.getTime());
}

/** Whether a waiting claim could take the intent as it is submitted (the statement checks the rest). */
function mayHandOff(n: store.NewIntent, now: Date): boolean {
  return !n.concurrencyKey && isDue(n, now);
}

/** The order claims take intents in (axme_claim_candidates): priority first, then the earliest runAt, then id. */
function claimOrder(a: store.NewIntent, b: store.NewIntent): number {
  return b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Consecutive runs of claims whose limits add up to at most MAX_ITEMS_PER_STATEMENT. */
function bySlots(group: Pending<QueuedClaim, Change[]>[]): Pending<QueuedClaim, Change[]>[][] {
  const runs: Pending<QueuedClaim, Change[]>[][] = [];
  let slots = Infinity;
  for (const p of group) {
    if (slots + p.item.limit > MAX_ITEMS_PER_STATEMENT) {
      runs.push([]);
      slots = 0;
    }
    runs.at(-1)!.push(p);
    slots += p.item.limit;
  }
  return runs;
}
