import type { Services } from '../services/index.ts';
import type { Sweeper } from './sweeper.ts';

/** Fires due schedules (services/schedules.ts); every instance runs it, SKIP LOCKED keeps each fire to one. */
export function registerScheduleSweep(sweeper: Sweeper, services: Services): void {
  sweeper.register('schedules', (now) => services.schedules.fireDue(now));
}
