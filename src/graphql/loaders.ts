/**
 * Per-request batching for fields resolved once per intent in a list (parent,
 * events, attempts, lastWake): one query for the whole page instead of one per row.
 */
import DataLoader from 'dataloader';
import type { Caller, IntentService } from '../service.ts';
import { listEventsOfMany } from '../store/events.ts';
import { getIntents } from '../store/intents.ts';
import { lastWakes } from '../store/waits.ts';
import type { Intent, IntentEvent } from '../store/rows.ts';

/** The most events read per intent for `events` without arguments and for `attempts`. */
export const EVENTS_PER_INTENT = 10_000;

export interface Loaders {
  intent: DataLoader<string, Intent | null>;
  events: DataLoader<string, IntentEvent[]>;
  lastWake: DataLoader<string, IntentEvent | null>;
}

export function createLoaders(service: IntentService, caller: Caller): Loaders {
  return {
    intent: new DataLoader(async (ids) => {
      const found = new Map((await getIntents(service.db, caller.namespace, ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    events: new DataLoader(async (ids) => {
      const byIntent = await listEventsOfMany(service.db, caller.namespace, ids, EVENTS_PER_INTENT);
      return ids.map((id) => byIntent.get(id) ?? []);
    }),
    lastWake: new DataLoader(async (ids) => {
      const found = await lastWakes(service.db, caller.namespace, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
