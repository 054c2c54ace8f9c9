import { announceChanges } from './announce.ts';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Db } from '../db/types.ts';
import type { PubSub } from '../pubsub/types.ts';
import type { Change } from '../store/events.ts';

/** What the waits and approvals services share: the database, clock and notifications they work over. */
export class ServiceCompanion {
  readonly db: Db;
  readonly clock: Clock;
  readonly pubsub: PubSub;
  readonly config: Config;

  constructor(db: Db, clock: Clock, pubsub: PubSub, config: Config) {
    this.db = db;
    this.clock = clock;
    this.pubsub = pubsub;
    this.config = config;
  }

  /** Called only after the changes' transaction committed. */
  protected announce(changes: readonly Change[]): void {
    announceChanges(this.pubsub, changes);
  }
}
