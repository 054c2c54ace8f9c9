/**
 * Waiting states: signals, children and timers (approvals live in approvals.ts).
 * Each wait releases the lease and keeps the checkpoint; each wake puts the intent
 * back to PENDING so any agent can claim it and resume. Every wait and wake is an intent event, written in
 * the transaction that makes the change, under the intent's row lock.
 *
 * A wait whose condition already holds (a kept signal, no unfinished children, a time
 * already past) still releases the lease: it writes WAITING and the wake in one
 * transaction and the intent is PENDING at once, so agents handle every wait alike.
 */
import type { Queryable } from '../db/types.ts';
import { uuidv7 } from '../core/ids.ts';
import { TERMINAL, step } from '../core/lifecycle.ts';
import type { Caller } from '../core/caller.ts';
import { Service } from './deps.ts';
import type { Change } from '../store/events.ts';
import { childCounts, unfinished, wakeParentIfDone } from '../store/family.ts';
import type { Intent, IntentEvent } from '../core/model.ts';
import * as w from '../store/waits.ts';
import * as v from '../core/validate.ts';
import { SWEEPER_ACTOR, SWEEP_BATCH } from '../core/sweep.ts';

/** The longest wait timeout, for signal waits and approvals alike. */
export const MAX_TIMEOUT_SECONDS = 366 * 24 * 3600;

/** The most signals one Intent.signals page returns. */
export const MAX_SIGNALS_PAGE = 500;

export interface LeasedWait {
  id: string;
  leaseToken: string;
  checkpoint?: unknown;
}

export class WaitService extends Service {
  // ---- signals

  /** Consumes a kept signal of that name at once (→ PENDING), or waits for one. */
  async waitForSignal(c: Caller, input: LeasedWait & { name: string; timeoutSeconds?: number | null }): Promise<Intent> {
    const id = v.id('id', input.id);
    const token = v.id('leaseToken', input.leaseToken);
    const name = v.name('name', input.name);
    const timeout = input.timeoutSeconds == null ? null : v.intInRange('timeoutSeconds', input.timeoutSeconds, 0, 1, MAX_TIMEOUT_SECONDS);
    const checkpoint = v.payload('checkpoint', input.checkpoint, this.config.maxPayloadBytes);
    const now = this.clock.now();
    return this.leaseCall(c.namespace, id, token, () => this.run(async (tx) => {
      const cur = await w.lockIntent(tx, c.namespace, id, 'wait', token, now);
      const agent = c.principal ?? cur.leaseAgent;
      const kept = await w.takeSignal(tx, c.namespace, id, name, now);
      const wakeAt = timeout === null ? null : new Date(now.getTime() + timeout * 1000);
      const waited = await w.enterWait(tx, c.namespace, id, { waitingFor: 'SIGNAL', name, wakeAt, checkpoint },
        step('wait'), agent, { name, timeoutAt: wakeAt }, now);
      if (!kept) return [waited];
      const woke = await w.wakeIntent(tx, c.namespace, id, step('wake'), agent,
        { wake: 'SIGNAL', name, signalId: kept.id, kept: true }, now);
      return [waited, woke];
    }));
  }

  /** Delivers a signal: wakes the intent when it waits for this name, else keeps it for the next wait. */
  async signalIntent(c: Caller, input: { id: string; name: string; payload?: unknown }): Promise<w.Signal> {
    const id = v.id('id', input.id);
    const name = v.name('name', input.name);
    const payload = v.payload('payload', input.payload, this.config.maxPayloadBytes);
    const now = this.clock.now();
    const { signal } = await this.commit(async (tx) => {
      const cur = await w.lockIntent(tx, c.namespace, id, 'signal', null, now);
      const wakes = cur.status === 'WAITING' && cur.waitingFor === 'SIGNAL' && cur.waitName === name;
      const signal = await w.insertSignal(tx, c.namespace, uuidv7(now.getTime()), id, name, payload, c.principal, now, wakes);
      const change = wakes
        ? await w.wakeIntent(tx, c.namespace, id, step('signal', 'PENDING'), c.principal, { wake: 'SIGNAL', name, signalId: signal.id }, now)
        : await w.noteEvent(tx, c.namespace, id, step('signal', cur.status), c.principal, { name, signalId: signal.id, kept: true }, now);
      return { signal, changes: [change] };
    });
    return signal;
  }

  /** A page of the intent's signals, oldest first (first: 1–MAX_SIGNALS_PAGE, default 100). */
  async signals(
    c: Caller, intentId: string, name: string | null | undefined, first?: number | null, after?: string | null,
  ): Promise<w.Signal[]> {
    const limit = v.intInRange('first', first, 100, 1, MAX_SIGNALS_PAGE);
    return w.listSignals(this.db, c.namespace, intentId, name ?? null, limit, v.optionalId('after', after));
  }

  /** The newest event that took each intent out of WAITING, in one query, for per-request loaders. */
  async lastWakes(c: Caller, ids: readonly string[]): Promise<Map<string, IntentEvent>> {
    return w.lastWakes(this.db, c.namespace, ids);
  }

  // ---- children and timers

  async waitForChildren(c: Caller, input: LeasedWait): Promise<Intent> {
    const id = v.id('id', input.id);
    const token = v.id('leaseToken', input.leaseToken);
    const checkpoint = v.payload('checkpoint', input.checkpoint, this.config.maxPayloadBytes);
    const now = this.clock.now();
    return this.leaseCall(c.namespace, id, token, () => this.run(async (tx) => {
      const cur = await w.lockIntent(tx, c.namespace, id, 'wait', token, now);
      const agent = c.principal ?? cur.leaseAgent;
      // Children finishing lock this parent first (family.ts), so the count cannot go stale under us.
      const counts = await childCounts(tx, c.namespace, id);
      const waited = await w.enterWait(tx, c.namespace, id, { waitingFor: 'CHILDREN', name: null, wakeAt: null, checkpoint },
        step('wait'), agent, { children: counts }, now);
      if (unfinished(counts) > 0) return [waited];
      const woke = await w.wakeIntent(tx, c.namespace, id, step('wake'), agent, { wake: 'CHILDREN', children: counts }, now);
      return [waited, woke];
    }));
  }

  async sleep(c: Caller, input: LeasedWait & { until: Date }): Promise<Intent> {
    const id = v.id('id', input.id);
    const token = v.id('leaseToken', input.leaseToken);
    const until = v.date('until', input.until)!;
    const checkpoint = v.payload('checkpoint', input.checkpoint, this.config.maxPayloadBytes);
    const now = this.clock.now();
    return this.leaseCall(c.namespace, id, token, () => this.run(async (tx) => {
      const cur = await w.lockIntent(tx, c.namespace, id, 'wait', token, now);
      const agent = c.principal ?? cur.leaseAgent;
      const waited = await w.enterWait(tx, c.namespace, id, { waitingFor: 'TIME', name: null, wakeAt: until, checkpoint },
        step('wait'), agent, { until }, now);
      if (until.getTime() > now.getTime()) return [waited];
      return [waited, await w.wakeIntent(tx, c.namespace, id, step('wake'), agent, { wake: 'TIME', until }, now)];
    }));
  }

  // ---- sweeps (registered in sweeps/waits.ts)

  /** Timers that are due and signal waits that timed out. */
  async sweepWaits(now: Date): Promise<number> {
    let changed = 0;
    for (const due of await w.dueWaits(this.db, now, SWEEP_BATCH)) {
      const { changes } = await this.commit(async (tx) => {
        const cur = await w.lockIntent(tx, due.namespace, due.id, null, null, now);
        if (cur.status !== 'WAITING' || !cur.wakeAt || cur.wakeAt.getTime() > now.getTime()) return { changes: [] };
        if (cur.waitingFor === 'TIME') {
          return { changes: [await w.wakeIntent(tx, cur.namespace, cur.id, step('wake'), SWEEPER_ACTOR, { wake: 'TIME', until: cur.wakeAt }, now)] };
        }
        return { changes: [await w.wakeIntent(tx, cur.namespace, cur.id, step('timeOutWait'), SWEEPER_ACTOR,
          { wake: 'TIMEOUT', waitingFor: cur.waitingFor, name: cur.waitName }, now)] };
      });
      changed += changes.length;
    }
    return changed;
  }

  /**
   * Safety net for parents whose last child ended by a path that does not wake them
   * (e.g. a lease that expired for good): wakes them on the next sweep.
   */
  async sweepParents(now: Date): Promise<number> {
    let changed = 0;
    for (const p of await w.parentsWithAllChildrenDone(this.db, TERMINAL, SWEEP_BATCH)) {
      const { changes } = await this.commit(async (tx) => {
        await w.lockIntent(tx, p.namespace, p.id, null, null, now);
        const woke = await wakeParentIfDone(tx, p.namespace, p.id, SWEEPER_ACTOR, now);
        return { changes: woke ? [woke] : [] };
      });
      changed += changes.length;
    }
    return changed;
  }

  /** A wait (and its wake, when the condition already holds) in one transaction: the intent as it left it. */
  private async run(fn: (tx: Queryable) => Promise<Change[]>): Promise<Intent> {
    const { changes } = await this.commit(async (tx) => ({ changes: await fn(tx) }));
    return changes.at(-1)!.intent;
  }
}
