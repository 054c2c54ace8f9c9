/**
 * Worker sessions (issue 18): a worker registers when it starts, heartbeats its
 * session every few seconds, and stops it when it exits. Whenever a session ends
 * (stopped, replaced by a restart announcing the same identity, or lost to missed
 * heartbeats) the intents it leases go back at once, so a killed worker's work is
 * picked up in seconds rather than after a full per-intent lease.
 */
import type { Caller } from '../core/caller.ts';
import { AxmeError, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import * as v from '../core/validate.ts';
import { SWEEP_BATCH } from '../core/sweep.ts';
import * as store from '../store/workers.ts';
import { Service } from './deps.ts';
import { escalationFor } from './escalations.ts';

export interface RegisterInput {
  identity?: string | null;
  name: string;
  host?: string | null;
  sdk?: string | null;
  sdkVersion?: string | null;
  types: readonly string[];
  concurrency?: number | null;
  sessionSeconds?: number | null;
}

export interface WorkersFilter {
  statuses?: readonly store.WorkerStatus[] | null;
  types?: readonly string[] | null;
}

/** A session as registerWorker and heartbeatWorker answer it, with how often to heartbeat. */
export interface SessionAnswer {
  session: store.WorkerSession;
  heartbeatSeconds: number;
}

/** How often an SDK should heartbeat: five chances before the session is lost, at most every second. */
export const heartbeatSecondsOf = (sessionSeconds: number): number => Math.max(1, Math.floor(sessionSeconds / 5));

/** Ended sessions stay listed this long (a day), then the sweep deletes them. */
const ENDED_KEPT_MS = 86_400_000;

export class WorkerService extends Service {
  async register(c: Caller, a: RegisterInput): Promise<SessionAnswer> {
    const now = this.clock.now();
    const id = uuidv7(now.getTime());
    const name = v.storable('name', v.text('name', a.name, 200) ?? '');
    if (!name) throw new AxmeError('BAD_USER_INPUT', 'name must not be empty', { field: 'name' });
    const sessionSeconds = v.intInRange('sessionSeconds', a.sessionSeconds, this.config.workerSessionSeconds, 2, 3600);
    const s: store.NewSession = {
      id,
      namespace: c.namespace,
      // no identity: the session is its own identity, so nothing replaces it but a stop or silence
      identity: v.text('identity', a.identity, 200) || id,
      name,
      host: v.text('host', a.host, 200),
      sdk: v.text('sdk', a.sdk, 100),
      sdkVersion: v.text('sdkVersion', a.sdkVersion, 100),
      types: v.nonEmptyNames('types', a.types),
      concurrency: v.intInRange('concurrency', a.concurrency, 1, 1, 10_000),
      sessionSeconds,
      principal: c.principal,
      startedAt: now,
    };
    const { session, replaced, released } = await this.commit(async (tx) => store.registerSession(tx, s, now, escalationFor(this.config)).then((r) => ({ ...r, changes: r.released })));
    if (replaced) {
      this.log.info({ identity: s.identity, old: replaced.id, session: id, released: released.length }, 'worker restarted; its previous session ended and its leases went back');
    }
    return { session, heartbeatSeconds: heartbeatSecondsOf(sessionSeconds) };
  }

  /** Keeps the session alive; answers with its status, so a worker learns it was lost or replaced. */
  async heartbeat(c: Caller, id: string): Promise<SessionAnswer> {
    const session = await store.heartbeatSession(this.db, c.namespace, v.id('id', id), this.clock.now());
    if (!session) throw notFound('worker session', id);
    return { session, heartbeatSeconds: heartbeatSecondsOf(session.sessionSeconds) };
  }

  /** Ends the session STOPPED; leases it still holds go back (their attempts spent: the SDK releases unstarted work itself first). */
  async stop(c: Caller, id: string): Promise<store.WorkerSession> {
    const sid = v.id('id', id);
    const now = this.clock.now();
    const { session } = await this.commit(async (tx) => {
      const r = await store.stopSession(tx, c.namespace, sid, now, escalationFor(this.config));
      return { ...r, changes: r.released };
    });
    if (session) return session;
    const found = await store.getSession(this.db, c.namespace, sid);
    if (!found) throw notFound('worker session', sid);
    return found; // already ended: stopping twice answers the same
  }

  async list(c: Caller, f: WorkersFilter | null | undefined, first: number | null | undefined): Promise<store.WorkerSession[]> {
    const limit = v.intInRange('first', first, 100, 1, 500);
    const statuses = f?.statuses?.length ? [...f.statuses] : null;
    const types = f?.types?.length ? [...f.types] : null;
    return store.listSessions(this.db, c.namespace, { statuses, types }, limit);
  }

  async get(c: Caller, id: string): Promise<store.WorkerSession | null> {
    return store.getSession(this.db, c.namespace, v.id('id', id));
  }

  /** Several sessions in one query, for per-request loaders; ids come from stored rows. */
  async getMany(c: Caller, ids: readonly string[]): Promise<store.WorkerSession[]> {
    return store.getSessions(this.db, c.namespace, ids);
  }

  /** The RUNNING intents' ids per session, for per-request loaders. */
  async inFlight(c: Caller, sessions: readonly string[]): Promise<Map<string, string[]>> {
    return store.inFlightOf(this.db, c.namespace, sessions);
  }

  /** The sweep: sessions whose heartbeats stopped become LOST, and their leases go back. */
  async sweepLost(now: Date): Promise<number> {
    const { lost } = await this.commit(async (tx) => {
      const lost = await store.loseDueSessions(tx, now, SWEEP_BATCH);
      const changes = lost.length ? await store.releaseEndedLeases(tx, now, 1000, lost.map((s) => s.id), escalationFor(this.config)) : [];
      return { lost, changes };
    });
    for (const s of lost) this.log.warn({ session: s.id, identity: s.identity, name: s.name }, 'worker session lost (no heartbeat); its leases went back');
    return lost.length;
  }

  /** The safety net: leases still naming an ended session (a claim that raced the ending) go back. */
  async sweepStragglers(now: Date): Promise<number> {
    const { changes } = await this.commit(async (tx) => ({ changes: await store.releaseEndedLeases(tx, now, SWEEP_BATCH, null, escalationFor(this.config)) }));
    return changes.length;
  }

  async sweepEnded(now: Date): Promise<number> {
    return store.deleteEndedSessions(this.db, new Date(now.getTime() - ENDED_KEPT_MS), SWEEP_BATCH);
  }
}
