/**
 * Claims waiting on this instance, for submits to hand new intents to. Without this a
 * submit commits, announces, and the woken claim runs a statement of its own to lease
 * what the submit just wrote: one more statement, commit and wake-up on every run's
 * way to its worker. A submit that finds a waiting claim for its type takes it (no other
 * submit can), and its statement leases the intent to it when the claim would have
 * taken that intent first (store/intents.ts SUBMIT_MANY); otherwise the claim gets
 * nothing from it and goes on as before, woken by the announcement.
 */
import type { Change } from '../store/events.ts';
import type { HandTo } from '../store/intents.ts';

/** What a submit needs of a waiting claim to lease to it (the time is the submit's). */
export type WaitingClaim = Omit<HandTo, 'at'>;

interface Waiting {
  namespace: string;
  handTo: WaitingClaim;
  /** Set once a submit took it: resolves with the lease, or null. */
  outcome: Promise<Change | null> | null;
  taken: () => void;
}

/** A claim's place among the waiting, from park() until leave(). */
export interface Parked {
  /** Resolves when a submit took this claim: it should stop waiting. */
  readonly taken: Promise<void>;
  /** Stops waiting here; the intent a submit leased to this claim meanwhile, or null. */
  leave(): Promise<Change | null>;
}

/** A waiting claim a submit took, to settle once its statement ran. */
export interface Taken {
  handTo: WaitingClaim;
  settle(leased: Change | null): void;
}

export class HandOff {
  /** Per namespace, in the order they started waiting. */
  private readonly waiting = new Map<string, Set<Waiting>>();

  park(namespace: string, handTo: WaitingClaim): Parked {
    let taken!: () => void;
    const w: Waiting = { namespace, handTo, outcome: null, taken: () => taken() };
    const takenPromise = new Promise<void>((resolve) => (taken = resolve));
    let set = this.waiting.get(namespace);
    if (!set) this.waiting.set(namespace, (set = new Set()));
    set.add(w);
    return {
      taken: takenPromise,
      leave: async () => {
        this.remove(w);
        return w.outcome ?? null;
      },
    };
  }

  /** The longest-waiting claim for `type` in the namespace, now no other submit's; null when none waits. */
  take(namespace: string, type: string): Taken | null {
    const set = this.waiting.get(namespace);
    if (!set) return null;
    for (const w of set) {
      if (!w.handTo.types.includes(type)) continue;
      this.remove(w);
      let settle!: (leased: Change | null) => void;
      w.outcome = new Promise((resolve) => (settle = resolve));
      w.taken();
      return { handTo: w.handTo, settle };
    }
    return null;
  }

  private remove(w: Waiting): void {
    const set = this.waiting.get(w.namespace);
    if (!set) return;
    set.delete(w);
    if (set.size === 0) this.waiting.delete(w.namespace);
  }
}
