import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Db } from '../db/types.ts';
import type { PubSub } from '../pubsub/types.ts';
import type { Commit } from './commit.ts';
import { budgetGuarded } from './budget-guard.ts';
import { AxmeError } from '../core/errors.ts';

/** Why one item of a batch mutation was refused: the code and message its single mutation would have failed with. */
export interface ItemError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What every service is made over: one database, clock, notifications, configuration and log, and the one way to write. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  pubsub: PubSub;
  config: Config;
  log: Logger;
  commit: Commit;
}

/** What a service holds of its dependencies: one base so each service states only its own operations. */
export abstract class Service {
  protected readonly db: Db;
  protected readonly clock: Clock;
  protected readonly pubsub: PubSub;
  protected readonly config: Config;
  protected readonly log: Logger;
  protected readonly commit: Commit;

  constructor(d: ServiceDeps) {
    this.db = d.db;
    this.clock = d.clock;
    this.pubsub = d.pubsub;
    this.config = d.config;
    this.log = d.log;
    this.commit = d.commit;
  }

  /** Runs a lease call, stopping the intent first when it answers BUDGET_EXCEEDED (budget-guard.ts). */
  protected leaseCall<T>(ns: string, id: string, token: string, call: () => Promise<T>): Promise<T> {
    return budgetGuarded({ commit: this.commit, clock: this.clock }, ns, id, token, call);
  }

  /** An item's error in a batch result; anything but an AxmeError is logged and answered INTERNAL. */
  protected itemError(e: unknown): ItemError {
    if (e instanceof AxmeError) return { code: e.code, message: e.message, details: e.details };
    this.log.error({ err: e }, 'batch item failed');
    return { code: 'INTERNAL', message: 'internal error' };
  }
}
