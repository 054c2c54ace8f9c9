import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Db } from '../db/types.ts';
import type { PubSub } from '../pubsub/types.ts';
import type { Commit } from './commit.ts';

/** What every service is made over: one database, clock, notifications, configuration and log, and the one way to write. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  pubsub: PubSub;
  config: Config;
  log: Logger;
  commit: Commit;
}
