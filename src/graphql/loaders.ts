/**
 * Per-request batching for fields resolved once per intent in a list (parent,
 * events, attempts, lastWake): one query for the whole page instead of one per row.
 */
import DataLoader from 'dataloader';
import type { Caller } from '../core/caller.ts';
import type { Intent, IntentEvent } from '../core/model.ts';
import type { Services } from '../services/index.ts';
import type { Schedule } from '../store/schedules.ts';

/** The most events read per intent for `events` without arguments and for `attempts`. */
export const EVENTS_PER_INTENT = 10_000;

export interface Loaders {
  intent: DataLoader<string, Intent | null>;
  events: DataLoader<string, IntentEvent[]>;
  lastWake: DataLoader<string, IntentEvent | null>;
  /** Intent.schedule of a page of fired intents. */
  schedule: DataLoader<string, Schedule | null>;
}

/**
 * Loaders made on first use: most operations (and every subscription until an event
 * asks for a nested list) never touch them, and each idle subscription would hold
 * three DataLoaders with their caches.
 */
export function createLoaders(services: Services, caller: Caller): Loaders {
  return new LazyLoaders(services, caller);
}

class LazyLoaders implements Loaders {
  #intent: Loaders['intent'] | null = null;
  #events: Loaders['events'] | null = null;
  #lastWake: Loaders['lastWake'] | null = null;
  #schedule: Loaders['schedule'] | null = null;
  readonly #services: Services;
  readonly #caller: Caller;

  constructor(services: Services, caller: Caller) {
    this.#services = services;
    this.#caller = caller;
  }

  get intent(): Loaders['intent'] {
    const { intents } = this.#services;
    const caller = this.#caller;
    return (this.#intent ??= new DataLoader(async (ids) => {
      const found = new Map((await intents.getMany(caller, ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  get events(): Loaders['events'] {
    const { intents } = this.#services;
    const caller = this.#caller;
    return (this.#events ??= new DataLoader(async (ids) => {
      const byIntent = await intents.eventsOfMany(caller, ids, EVENTS_PER_INTENT);
      return ids.map((id) => byIntent.get(id) ?? []);
    }));
  }

  get lastWake(): Loaders['lastWake'] {
    const { waits } = this.#services;
    const caller = this.#caller;
    return (this.#lastWake ??= new DataLoader(async (ids) => {
      const found = await waits.lastWakes(caller, ids);
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  get schedule(): Loaders['schedule'] {
    const { schedules } = this.#services;
    const caller = this.#caller;
    return (this.#schedule ??= new DataLoader(async (ids) => {
      const found = new Map((await schedules.getMany(caller, ids)).map((s) => [s.id, s]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }
}
