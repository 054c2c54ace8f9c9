/**
 * Per-request batching for fields resolved once per intent in a list (parent,
 * events, attempts, lastWake, budgets…): one query for the whole page instead of one per row.
 */
import DataLoader from 'dataloader';
import type { Caller } from '../core/caller.ts';
import type { Intent, IntentEvent, IntentStep } from '../core/model.ts';
import type { Services } from '../services/index.ts';
import type { WorkerSession } from '../store/workers.ts';
import type { Schedule } from '../store/schedules.ts';
import { EMPTY_TOTALS, type UsageTotals } from '../core/usage.ts';
import type { BudgetState } from '../core/budget.ts';

/** The most events read per intent for `events` without arguments and for `attempts`. */
export const EVENTS_PER_INTENT = 10_000;

/** The most step records read per intent for `steps`. */
export const STEPS_PER_INTENT = 10_000;

export interface Loaders {
  intent: DataLoader<string, Intent | null>;
  events: DataLoader<string, IntentEvent[]>;
  lastWake: DataLoader<string, IntentEvent | null>;
  /** Step records without outputs, by intent id. */
  steps: DataLoader<string, IntentStep[]>;
  /** One step's output, by `${intentId}/${seq}`: read only when a selection asks for it. */
  stepOutput: DataLoader<string, unknown>;
  /** Worker sessions by id (Intent.worker), and the ids of the RUNNING intents each leases (Worker.inFlight). */
  worker: DataLoader<string, WorkerSession | null>;
  inFlight: DataLoader<string, string[]>;
  /** Intent.schedule of a page of fired intents. */
  schedule: DataLoader<string, Schedule | null>;
  /** An intent's forks, oldest first, by original id. */
  forks: DataLoader<string, Intent[]>;
  /** An intent's own LLM usage total (migration 016), by intent id. */
  usage: DataLoader<string, UsageTotals>;
  /** Every budget an intent's usage counts against, nearest first (Intent.budget, Intent.budgets), by intent id. */
  budgets: DataLoader<string, BudgetState[]>;
}

/** The most forks read per intent for `forks`. */
export const FORKS_PER_INTENT = 1000;

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
  #steps: Loaders['steps'] | null = null;
  #stepOutput: Loaders['stepOutput'] | null = null;
  #worker: Loaders['worker'] | null = null;
  #inFlight: Loaders['inFlight'] | null = null;
  #schedule: Loaders['schedule'] | null = null;
  #forks: Loaders['forks'] | null = null;
  #usage: Loaders['usage'] | null = null;
  #budgets: Loaders['budgets'] | null = null;
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

  get steps(): Loaders['steps'] {
    const { steps } = this.#services;
    const caller = this.#caller;
    return (this.#steps ??= new DataLoader(async (ids) => {
      const byIntent = await steps.ofMany(caller, ids, STEPS_PER_INTENT);
      return ids.map((id) => byIntent.get(id) ?? []);
    }));
  }

  get stepOutput(): Loaders['stepOutput'] {
    const { steps } = this.#services;
    const caller = this.#caller;
    return (this.#stepOutput ??= new DataLoader(async (keys) => {
      const found = await steps.outputs(caller, keys.map((k) => {
        const [intentId, seq] = k.split('/');
        return { intentId: intentId!, seq: Number(seq) };
      }));
      return keys.map((k) => found.get(k) ?? null);
    }));
  }

  get worker(): Loaders['worker'] {
    const { workers } = this.#services;
    const caller = this.#caller;
    return (this.#worker ??= new DataLoader(async (ids) => {
      const found = new Map((await workers.getMany(caller, ids)).map((w) => [w.id, w]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  get inFlight(): Loaders['inFlight'] {
    const { workers } = this.#services;
    const caller = this.#caller;
    return (this.#inFlight ??= new DataLoader(async (ids) => {
      const found = await workers.inFlight(caller, ids);
      return ids.map((id) => found.get(id) ?? []);
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

  get forks(): Loaders['forks'] {
    const { forks } = this.#services;
    const caller = this.#caller;
    return (this.#forks ??= new DataLoader(async (ids) => {
      const byOriginal = await forks.ofMany(caller, ids, FORKS_PER_INTENT);
      return ids.map((id) => byOriginal.get(id) ?? []);
    }));
  }

  get usage(): Loaders['usage'] {
    const { usage } = this.#services;
    const caller = this.#caller;
    return (this.#usage ??= new DataLoader(async (ids) => {
      const found = await usage.totals(caller, ids);
      return ids.map((id) => found.get(id) ?? EMPTY_TOTALS);
    }));
  }

  get budgets(): Loaders['budgets'] {
    const { budgets } = this.#services;
    const caller = this.#caller;
    return (this.#budgets ??= new DataLoader(async (ids) => {
      const found = await budgets.ofIntents(caller, ids);
      return ids.map((id) => found.get(id) ?? []);
    }));
  }
}
