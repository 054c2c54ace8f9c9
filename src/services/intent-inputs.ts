/**
 * What the intent operations take and answer (IntentService, intents.ts): the API's
 * shapes before validation, and the list filter as the store takes it.
 */
import type { Intent } from '../core/model.ts';
import * as v from '../core/validate.ts';
import type { BudgetInput } from '../core/budget.ts';
import type { IntentFilter } from '../store/list.ts';
import type { SchedulingInput } from './scheduling.ts';
import type { LastStepInput } from './steps.ts';
import type { ItemError } from './deps.ts';

export interface Lease {
  token: string;
  expiresAt: Date;
  intent: Intent;
}

export interface SubmitInput extends SchedulingInput {
  type: string;
  input?: unknown;
  idempotencyKey?: string | null;
  priority?: number | null;
  runAt?: Date | null;
  maxAttempts?: number | null;
  parentId?: string | null;
  labels?: readonly string[] | null;
  /** Limits on this intent and its descendants (which otherwise inherit the nearest ancestor's). */
  budget?: BudgetInput | null;
}

export interface ClaimInput {
  types: readonly string[];
  agent?: string | null;
  leaseSeconds?: number | null;
  waitSeconds?: number | null;
  /** The worker session (registerWorker) the leases are for; they are released at once when it ends. */
  workerId?: string | null;
}

export interface FailInput {
  message: string;
  code?: string | null;
  retryable?: boolean | null;
  details?: unknown;
  /** Run the next attempt no sooner than this (a rate-limited provider's Retry-After); overrides the backoff. */
  retryAfterSeconds?: number | null;
}

export interface CompleteItem {
  id: string;
  leaseToken: string;
  output?: unknown;
  /** The run's last step, recorded with the completion in one statement (StepService.completeWithLast). */
  lastStep?: LastStepInput | null;
}

/** One item of a batch: the intent it changed, or why it did not. */
export interface ItemResult {
  id: string;
  intent?: Intent;
  error?: ItemError;
}

export interface ListInput {
  filter?: IntentFilter | null;
  first?: number | null;
  after?: string | null;
}

/** A list filter as the store takes it; the parent id is checked, the rest are plain lists. */
export function listFilter(f: IntentFilter | null | undefined): IntentFilter {
  return {
    statuses: f?.statuses ?? null,
    types: f?.types ?? null,
    parentId: v.optionalId('filter.parentId', f?.parentId),
    labels: f?.labels ?? null,
  };
}
