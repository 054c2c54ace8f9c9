/**
 * Schedules: validate and store them, and fire the due ones. A fire submits an intent
 * from the schedule's template in the same transaction that advances next_fire_at,
 * with the idempotency key schedule:<id>:<fire time>, so a fire is one intent however
 * many instances sweep and however often a transaction is retried.
 */
import { AxmeError, badInput, notFound } from '../core/errors.ts';
import type { Caller } from '../core/caller.ts';
import type { Queryable } from '../db/types.ts';
import { uuidv7 } from '../core/ids.ts';
import { isTerminal } from '../core/lifecycle.ts';
import type { Intent } from '../core/model.ts';
import { MAX_CATCH_UP_FIRES, MAX_PREVIEW, MISSED_AFTER_MS, dueFires, fireKey, jitterMs, nextFireAfter, nextFires } from '../core/schedule-spec.ts';
import { SWEEP_BATCH } from '../core/sweep.ts';
import { countScheduleFires } from '../telemetry/metrics.ts';
import * as v from '../core/validate.ts';
import type { Change } from '../store/events.ts';
import { type NewIntent, submitIntent } from '../store/intents.ts';
import * as store from '../store/schedules.ts';
import type { Schedule } from '../store/schedules.ts';
import { Service } from './deps.ts';
import { type ScheduleInput, has, scheduleFields, scheduleLabel, specOf } from './schedule-input.ts';

export type { ScheduleInput } from './schedule-input.ts';

export interface ScheduleListInput {
  paused?: boolean | null;
  type?: string | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

export class ScheduleService extends Service {
  async get(c: Caller, id: string): Promise<Schedule | null> {
    return store.getSchedule(this.db, c.namespace, v.id('id', id));
  }

  async getByName(c: Caller, name: string): Promise<Schedule | null> {
    return store.getScheduleByName(this.db, c.namespace, v.name('name', name));
  }

  async getMany(c: Caller, ids: readonly string[]): Promise<Schedule[]> {
    return store.getSchedules(this.db, c.namespace, ids);
  }

  async list(c: Caller, a: ScheduleListInput) {
    const first = v.intInRange('first', a.first, 20, 0, 500);
    const after = a.after ? fromCursor(a.after) : null;
    return store.listSchedules(this.db, c.namespace, {
      paused: a.paused ?? null,
      type: a.type == null ? null : v.name('type', a.type),
      search: v.text('search', a.search, 200),
    }, first, after);
  }

  /** The next `n` fires after the schedule's next one is due (its next fire included). */
  preview(s: Schedule, n: number | null | undefined): Date[] {
    const count = v.intInRange('n', n, 5, 0, MAX_PREVIEW);
    if (s.paused || !s.nextFireAt || count === 0) return [];
    return [s.nextFireAt, ...nextFires(specOf(s), s.nextFireAt, count - 1)];
  }

  async recentIntents(c: Caller, s: Schedule, first: number | null | undefined): Promise<Intent[]> {
    return store.scheduleIntents(this.db, c.namespace, s.id, v.intInRange('first', first, 10, 0, 100));
  }

  async create(c: Caller, a: ScheduleInput): Promise<Schedule> {
    if (!a.name) throw badInput('name is required', { field: 'name' });
    if (!a.intent) throw badInput('intent is required: the intent each fire submits', { field: 'intent' });
    const now = this.clock.now();
    const f = scheduleFields(a, null, now, this.config.maxPayloadBytes);
    const created = await store.insertSchedule(this.db, c.namespace, uuidv7(now.getTime()), f, a.paused ?? false, c.principal, now);
    if (!created) throw new AxmeError('CONFLICT', `a schedule named ${f.name} already exists`, { name: f.name, reason: 'NAME_TAKEN' });
    return created;
  }

  async update(c: Caller, id: string, a: ScheduleInput): Promise<Schedule> {
    const sid = v.id('id', id);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const cur = await store.getSchedule(tx, c.namespace, sid, true);
      if (!cur) throw notFound('schedule', sid);
      const f = scheduleFields(a, cur, now, this.config.maxPayloadBytes);
      if (f.name !== cur.name && (await store.getScheduleByName(tx, c.namespace, f.name))) {
        throw new AxmeError('CONFLICT', `a schedule named ${f.name} already exists`, { name: f.name, reason: 'NAME_TAKEN' });
      }
      let updated = (await store.updateSchedule(tx, c.namespace, sid, f, now).catch((e: unknown) => {
        // a create or rename took the name since the check above
        if ((e as { code?: string }).code === '23505') throw new AxmeError('CONFLICT', `a schedule named ${f.name} already exists`, { name: f.name, reason: 'NAME_TAKEN' });
        throw e;
      }))!;
      if (has(a, 'paused') && a.paused !== cur.paused) updated = (await this.setPaused(tx, c, sid, a.paused!, null))!;
      return updated;
    });
  }

  async pause(c: Caller, id: string, reason: string | null | undefined): Promise<Schedule> {
    const sid = v.id('id', id);
    const why = v.text('reason', reason, 2000);
    const s = await this.setPaused(this.db, c, sid, true, why);
    if (!s) throw notFound('schedule', sid);
    return s;
  }

  /** Fires resume from now: times missed while paused are not caught up. */
  async resume(c: Caller, id: string): Promise<Schedule> {
    const s = await this.setPaused(this.db, c, v.id('id', id), false, null);
    if (!s) throw notFound('schedule', id);
    return s;
  }

  async delete(c: Caller, id: string): Promise<boolean> {
    return store.deleteSchedule(this.db, c.namespace, v.id('id', id));
  }

  /** Fires now, whatever the overlap policy (an operator asked); the schedule's next fire stays. */
  async trigger(c: Caller, id: string): Promise<Intent> {
    const sid = v.id('id', id);
    const now = this.clock.now();
    const { intent } = await this.commit(async (tx) => {
      const s = await store.getSchedule(tx, c.namespace, sid, true);
      if (!s) throw notFound('schedule', sid);
      const fired = await this.submitFire(tx, s, now, now, c.principal, true);
      await store.recordFires(tx, s.namespace, s.id, {
        nextFireAt: s.nextFireAt, bufferedFireAt: s.bufferedFireAt, lastFireAt: now, lastIntentId: fired.intent.id,
        fired: 1, skipped: 0, lastSkipAt: null,
      }, now);
      return { changes: fired.change ? [fired.change] : [], intent: fired.intent };
    });
    return intent;
  }

  /**
   * The sweep: fires due schedules, one transaction each, at most SWEEP_BATCH per call.
   * Returns how many schedules it handled.
   */
  async fireDue(now: Date): Promise<number> {
    let handled = 0;
    while (handled < SWEEP_BATCH) {
      let claimed: Schedule | null = null;
      let pass: Awaited<ReturnType<ScheduleService['fireLocked']>> | null;
      try {
        ({ pass } = await this.commit(async (tx) => {
          claimed = await store.claimDueSchedule(tx, now);
          const done = claimed ? await this.fireLocked(tx, claimed, now) : null;
          return { pass: done, changes: done?.changes ?? [] };
        }));
      } catch (err) {
        if (!claimed) throw err;
        // one schedule that cannot fire must not hold up the others, sweep after sweep
        await this.skipBroken(claimed, now, err);
        handled++;
        continue;
      }
      if (!pass) break;
      // counted once committed
      countScheduleFires('submitted', pass.fired);
      countScheduleFires('skipped', pass.skipped);
      countScheduleFires('buffered', pass.buffered);
      handled++;
    }
    return handled;
  }

  /** Moves a schedule whose fire failed past `now`, counting the fire as skipped, and logs why. */
  private async skipBroken(s: Schedule, now: Date, err: unknown): Promise<void> {
    this.log.error({ err, scheduleId: s.id, namespace: s.namespace, name: s.name }, 'schedule fire failed; skipped to its next fire');
    await store.recordFires(this.db, s.namespace, s.id, {
      nextFireAt: nextFireAfter(specOf(s), now), bufferedFireAt: null, lastFireAt: null, lastIntentId: null,
      fired: 0, skipped: 1, lastSkipAt: s.nextFireAt ?? s.bufferedFireAt,
    }, now);
    countScheduleFires('skipped');
  }

  /** One pass over a due, locked schedule: a buffered fire whose wait is over, then the due times by catch-up and overlap. */
  private async fireLocked(tx: Queryable, s: Schedule, now: Date): Promise<{ changes: Change[]; fired: number; skipped: number; buffered: number }> {
    const changes: Change[] = [];
    const out: store.FireOutcome = {
      nextFireAt: s.nextFireAt, bufferedFireAt: s.bufferedFireAt, lastFireAt: null, lastIntentId: null, fired: 0, skipped: 0, lastSkipAt: null,
    };
    let running = await store.isRunning(tx, s.namespace, s.lastIntentId);
    const fire = async (at: Date) => {
      const { intent, change } = await this.submitFire(tx, s, at, now, null, false);
      if (change) changes.push(change);
      Object.assign(out, { fired: out.fired + 1, lastFireAt: at, lastIntentId: intent.id });
      running = !isTerminal(intent.status);
    };
    const skip = (at: Date) => Object.assign(out, { skipped: out.skipped + 1, lastSkipAt: at });

    if (s.bufferedFireAt && !running) {
      out.bufferedFireAt = null;
      await fire(s.bufferedFireAt);
    }
    if (s.nextFireAt && s.nextFireAt.getTime() <= now.getTime()) {
      const spec = specOf(s);
      const due = dueFires(spec, s.nextFireAt, now, s.catchUp === 'ALL' ? MAX_CATCH_UP_FIRES : 1);
      // older missed times the catch-up policy drops count as one skip
      if (due.length && due[0]!.getTime() > s.nextFireAt.getTime()) skip(s.nextFireAt);
      for (const at of due) {
        if (s.catchUp === 'SKIP' && now.getTime() - at.getTime() > MISSED_AFTER_MS) skip(at);
        else if (!running || s.overlap === 'ALLOW') await fire(at);
        else if (s.overlap === 'BUFFER_ONE' && !out.bufferedFireAt) out.bufferedFireAt = at;
        else skip(at);
      }
      out.nextFireAt = nextFireAfter(spec, now);
    }
    await store.recordFires(tx, s.namespace, s.id, out, now);
    const buffered = out.bufferedFireAt && out.bufferedFireAt !== s.bufferedFireAt ? 1 : 0;
    return { changes, fired: out.fired, skipped: out.skipped, buffered };
  }

  /** Submits the fire's intent; a fire already submitted (same key) answers the stored intent. */
  private async submitFire(
    tx: Queryable, s: Schedule, fireAt: Date, now: Date, actor: string | null, manual: boolean,
  ): Promise<{ intent: Intent; change: Change | null }> {
    const t = s.template;
    const runAt = new Date(fireAt.getTime() + (manual ? 0 : jitterMs(s.id, fireAt, s.jitterSeconds)));
    const n: NewIntent = {
      id: uuidv7(now.getTime()),
      type: t.type,
      input: t.input,
      idempotencyKey: fireKey(s.id, fireAt),
      priority: t.priority,
      runAt,
      maxAttempts: t.maxAttempts ?? this.config.defaultMaxAttempts,
      maxAttemptsFromType: t.maxAttempts == null,
      parentId: null,
      labels: [...new Set([...t.labels, scheduleLabel(s.name)])],
      retryPolicy: t.retry,
      // relative to when the intent may start, not to a fire time a catch-up left behind
      deadline: t.deadlineSeconds == null ? null : new Date(Math.max(runAt.getTime(), now.getTime()) + t.deadlineSeconds * 1000),
      attemptTimeoutSeconds: t.attemptTimeoutSeconds,
      concurrencyKey: t.concurrencyKey,
      concurrencyLimit: t.concurrencyLimit,
      scheduleId: s.id,
      submittedData: { schedule: { id: s.id, name: s.name, fireAt: fireAt.toISOString(), ...(manual ? { manual: true } : {}) } },
    };
    try {
      return await submitIntent(tx, s.namespace, n, actor ?? `schedule:${s.name}`, now);
    } catch (e) {
      // the key was used with another input (the template changed between two instances' fires): that fire happened
      const existing = e instanceof AxmeError && e.code === 'CONFLICT' ? (e.details?.intentId as string | undefined) : undefined;
      if (!existing) throw e;
      const { rows } = await tx.query(`select status from intents where namespace = $1 and id = $2`, [s.namespace, existing]);
      return { intent: { id: existing, status: rows[0]?.status ?? 'COMPLETED' } as Intent, change: null };
    }
  }

  private async setPaused(q: Queryable, c: Caller, id: string, paused: boolean, reason: string | null): Promise<Schedule | null> {
    const now = this.clock.now();
    if (paused) return store.setPaused(q, c.namespace, id, true, reason, undefined, now);
    const cur = await store.getSchedule(q, c.namespace, id);
    if (!cur) return null;
    if (!cur.paused) return cur;
    return store.setPaused(q, c.namespace, id, false, null, nextFireAfter(specOf(cur), now), now);
  }

}

/** The list cursor: the last row's name. */
export const scheduleCursor = (s: Schedule): string => Buffer.from(s.name).toString('base64url');

function fromCursor(after: string): string {
  const name = Buffer.from(after, 'base64url').toString('utf8');
  if (!name || Buffer.from(name).toString('base64url') !== after) {
    throw badInput('after is not a cursor from this list', { field: 'after', value: after.slice(0, 200) });
  }
  return name;
}
