/**
 * Ends what a revoked key still holds open: its graphql-ws sockets (closed with
 * 4403) and its subscriptions over HTTP (SSE ends with UNAUTHENTICATED). A key is
 * checked when a request or socket starts; without this, a stream opened before
 * the revocation would go on delivering for as long as the client kept it.
 *
 * Every instance learns of a revocation:
 * - the instance that revoked it, at once (ApiKeys.revoke calls announce);
 * - the others through the pub/sub (Redis), at once; they also drop their cached
 *   keys, so new requests with it are refused at once too;
 * - and in any case within AXME_KEY_RECHECK_MS, by asking the database which of the
 *   keys holding streams open here are revoked: that covers Redis being away and
 *   keys revoked with the CLI straight in the database. One query per interval, only
 *   while some key holds a stream open.
 */
import type { Db } from '../db/types.ts';
import type { Logger } from '../core/log.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import { revokedAmong } from '../store/keys.ts';

export interface RevocationsOptions {
  db: Db;
  pubsub: PubSub;
  log: Logger;
  recheckMs: number;
  /** Drops this instance's cached keys (ApiKeys), so the revoked one is refused from now on. */
  forgetKeys: () => void;
}

export class Revocations {
  private readonly o: RevocationsOptions;
  /** key id → what ends each open socket or stream of that key */
  private readonly open = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(o: RevocationsOptions) {
    this.o = o;
    this.unsubscribe = o.pubsub.subscribe(channels.keysRevoked(), (id) => this.revoked(id));
    this.timer = setInterval(() => void this.recheck(), o.recheckMs);
    this.timer.unref();
  }

  /** Calls `end` once if the key is revoked while the returned function has not been called. No key (auth off): nothing to watch. */
  watch(keyId: string | null, end: () => void): () => void {
    if (keyId === null) return () => {};
    let ends = this.open.get(keyId);
    if (!ends) this.open.set(keyId, (ends = new Set()));
    ends.add(end);
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.open.get(keyId) === ends) this.open.delete(keyId);
    };
  }

  /** This instance revoked a key: end what it holds here, and tell the other instances. */
  announce(keyId: string): void {
    this.revoked(keyId);
    this.o.pubsub.publish(channels.keysRevoked(), keyId);
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    this.open.clear();
  }

  private revoked(keyId: string): void {
    this.o.forgetKeys();
    const ends = this.open.get(keyId);
    if (!ends) return;
    this.open.delete(keyId);
    for (const end of ends) {
      try {
        end();
      } catch (err) {
        this.o.log.error({ err }, 'ending a revoked key’s stream failed');
      }
    }
  }

  private async recheck(): Promise<void> {
    if (this.checking || this.open.size === 0) return;
    this.checking = true;
    try {
      for (const id of await revokedAmong(this.o.db, [...this.open.keys()])) this.revoked(id);
    } catch (err) {
      // the database is away: the next interval asks again
      this.o.log.warn({ err }, 'checking open streams’ keys for revocation failed');
    } finally {
      this.checking = false;
    }
  }
}
