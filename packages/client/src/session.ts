/**
 * A worker's session with the server (issue 18): registered when the worker starts,
 * heartbeated on its own timer (never blocked by a slow handler), stopped when the
 * worker stops. The server releases the session's leases at once when it ends, so a
 * killed worker's intents are picked up in seconds instead of after their lease.
 *
 * Identity: a restarted worker that announces the identity of its previous session
 * ends that session at once (its leases go back before it claims). With no identity
 * (no `identity` option, no AXME_WORKER_IDENTITY), each session is its own identity:
 * replicas can never evict each other, and a killed worker's leases go back when its
 * session is LOST, sessionSeconds (default 10 s) after its last heartbeat. Give every
 * replica its own stable identity (pod name, `host:slot`) to get the instant handover.
 */
import type { AxmeClient } from './client.ts';
import * as ops from './generated/graphql.ts';

export interface SessionOptions {
  identity: string | null;
  name: string;
  types: string[];
  concurrency: number;
  sessionSeconds: number | null;
  onError: (err: unknown) => void;
  log: (message: string) => void;
  /** The session was taken over by another process with the same identity: the worker stops claiming. */
  onReplaced: () => void;
}

export const SDK_NAME = '@axme/client';
export const SDK_VERSION = '0.1.0';

type Env = { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => { hostname(): string } | undefined };
const proc = (): Env | undefined => (globalThis as { process?: Env }).process;

/** AXME_WORKER_IDENTITY from the environment (Node), else null. */
export const envIdentity = (): string | null => proc()?.env?.AXME_WORKER_IDENTITY || null;

export const hostName = (): string | null => proc()?.getBuiltinModule?.('node:os')?.hostname() ?? null;

export class WorkerSessionKeeper {
  /** The live session's id, or null while there is none (not yet registered, or lost and re-registering). */
  id: string | null = null;
  private readonly client: AxmeClient;
  private readonly o: SessionOptions;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private registering: Promise<boolean> | null = null;

  constructor(client: AxmeClient, o: SessionOptions) {
    this.client = client;
    this.o = o;
  }

  /**
   * Registers and starts heartbeating. Resolves after the first attempt: when it failed (the
   * server is away, or too old to know sessions) it keeps trying in the background, and the
   * worker claims without a session meanwhile (its leases then last until they expire).
   */
  async start(): Promise<void> {
    const first = (this.registering ??= this.register(true).finally(() => (this.registering = null)));
    if (await first) return;
    void (this.registering ??= this.register(false).finally(() => (this.registering = null)));
  }

  /** Whether a session was registered; `once` gives up after one failed attempt. */
  private async register(once: boolean): Promise<boolean> {
    let backoff = 200;
    while (!this.stopped) {
      try {
        const s = (await this.client.request(ops.RegisterWorkerDocument, {
          input: {
            identity: this.o.identity, name: this.o.name, host: hostName(), sdk: SDK_NAME, sdkVersion: SDK_VERSION,
            types: this.o.types, concurrency: this.o.concurrency, sessionSeconds: this.o.sessionSeconds,
          },
        })).registerWorker;
        if (this.stopped) {
          await this.client.request(ops.StopWorkerDocument, { input: { id: s.id } }).catch(() => {});
          return false;
        }
        this.id = s.id;
        this.schedule(s.heartbeatSeconds);
        return true;
      } catch (err) {
        this.o.onError(err);
        if (once) return false;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    return false;
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.beat(), seconds * 1000);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async beat(): Promise<void> {
    const id = this.id;
    if (!id || this.stopped) return;
    let answer: ops.WorkerSessionFieldsFragment;
    try {
      answer = (await this.client.request(ops.HeartbeatWorkerDocument, { input: { id } })).heartbeatWorker;
    } catch (err) {
      this.o.onError(err);
      // a missed beat is not fatal: the session lasts sessionSeconds; try again in a second
      this.schedule(1);
      return;
    }
    if (answer.valid) return this.schedule(answer.heartbeatSeconds);
    this.id = null;
    if (this.stopped) return;
    if (answer.worker.endReason === 'REPLACED') {
      this.o.log(`axme worker: another worker registered with identity ${answer.worker.identity}; this one stops claiming (give each replica its own identity)`);
      this.stopped = true;
      this.o.onReplaced();
      return;
    }
    this.o.log(`axme worker: session ${id} was ${answer.status} (${answer.worker.endReason ?? 'ended'}): the server released its leases; registering again`);
    void this.start();
  }

  /** Stops heartbeats and ends the session: the leases it still holds go back at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.registering;
    const id = this.id;
    this.id = null;
    if (id) await this.client.request(ops.StopWorkerDocument, { input: { id } }).catch((err) => this.o.onError(err));
  }
}
