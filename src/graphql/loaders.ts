/**
 * Per-request batching for fields resolved once per intent in a list (parent,
 * events, attempts, lastWake): one query for the whole page instead of one per row.
 */
import DataLoader from 'dataloader';
import type { Caller } from '../core/caller.ts';
import type { IntentService } from '../services/intents.ts';
import { listEventsOfMany } from '../store/events.ts';
import { getIntents } from '../store/intents.ts';
import { lastWakes } from '../store/waits.ts';
import type { Intent, IntentEvent } from '../core/model.ts';

/** The most events read per intent for `events` without arguments and for `attempts`. */
export const EVENTS_PER_INTENT = 10_000;

export interface Loaders {
  intent: DataLoader<string, Intent | null>;
  events: DataLoader<string, IntentEvent[]>;
  lastWake: DataLoader<string, IntentEvent | null>;
}

/**
 * Loaders made on first use: most operations (and every subscription until an event
 * asks for a nested list) never touch them, and each idle subscription would hold
 * three DataLoaders with their caches.
 */
export function createLoaders(service: IntentService, caller: Caller): Loaders {
  return new LazyLoaders(service, caller);
}

class LazyLoaders implements Loaders {
  #intent: Loaders['intent'] | null = null;
  #events: Loaders['events'] | null = null;
  #lastWake: Loaders['lastWake'] | null = null;
  readonly #service: IntentService;
  readonly #caller: Caller;

  constructor(service: IntentService, caller: Caller) {
    this.#service = service;
    this.#caller = caller;
  }

  get intent(): Loaders['intent'] {
    const { db } = this.#service;
    const { namespace } = this.#caller;
    return (this.#intent ??= new DataLoader(async (ids) => {
      const found = new Map((await getIntents(db, namespace, ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  get events(): Loaders['events'] {
    const { db } = this.#service;
    const { namespace } = this.#caller;
    return (this.#events ??= new DataLoader(async (ids) => {
      const byIntent = await listEventsOfMany(db, namespace, ids, EVENTS_PER_INTENT);
      return ids.map((id) => byIntent.get(id) ?? []);
    }));
  }

  get lastWake(): Loaders['lastWake'] {
    const { db } = this.#service;
    const { namespace } = this.#caller;
    return (this.#lastWake ??= new DataLoader(async (ids) => {
      const found = await lastWakes(db, namespace, ids);
      return ids.map((id) => found.get(id) ?? null);
    }));
  }
}
