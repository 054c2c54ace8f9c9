/**
 * Remembers that a claim found no more work for its types, until work is announced in
 * the namespace again. A long poll that starts then would only run a claim statement
 * that finds nothing before it waits: it goes straight to waiting instead, as if it had
 * been waiting all along. Work that becomes claimable without an announcement (a runAt
 * coming due) is found by the waiting claim's poll (AXME_CLAIM_POLL_MS), as before.
 */
import { type PubSub, channels } from '../pubsub/types.ts';

/** Type sets remembered at most; beyond that the memory starts over (a claim then just runs its statement). */
const MAX_REMEMBERED = 10_000;

export class IdleClaims {
  private readonly pubsub: PubSub;
  /** Work announcements seen per namespace and type, counted from when the namespace's first claim came. */
  private readonly announced = new Map<string, { byType: Map<string, number>; unsubscribe: () => void }>();
  /** Per namespace and types: the announcement count when a claim statement last found no more work. */
  private readonly emptyAt = new Map<string, number>();

  constructor(pubsub: PubSub) {
    this.pubsub = pubsub;
  }

  /** Announcements of work of `types` so far; take it before the claim statement runs. */
  epoch(namespace: string, types: readonly string[]): number {
    let a = this.announced.get(namespace);
    if (!a) {
      const byType = new Map<string, number>();
      const unsubscribe = this.pubsub.subscribe(channels.work(namespace), (type) => byType.set(type, (byType.get(type) ?? 0) + 1));
      this.announced.set(namespace, (a = { byType, unsubscribe }));
    }
    let n = 0;
    for (const t of types) n += a.byType.get(t) ?? 0;
    return n;
  }

  /** A claim statement that started at `epoch` left no claimable intent of `types`. */
  foundNothing(namespace: string, types: readonly string[], epoch: number): void {
    if (this.emptyAt.size >= MAX_REMEMBERED) this.emptyAt.clear();
    this.emptyAt.set(key(namespace, types), epoch);
  }

  /** True when no work of `types` was announced since a claim of them found nothing more. */
  nothingNew(namespace: string, types: readonly string[]): boolean {
    // announcements may be getting lost: every claim runs its statement
    if (this.pubsub.healthy?.() === false) return false;
    const at = this.emptyAt.get(key(namespace, types));
    return at !== undefined && this.announced.has(namespace) && at === this.epoch(namespace, types);
  }

  close(): void {
    for (const a of this.announced.values()) a.unsubscribe();
    this.announced.clear();
    this.emptyAt.clear();
  }
}

const key = (namespace: string, types: readonly string[]) => `${namespace}\n${types.join('\n')}`;
