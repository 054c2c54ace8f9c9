import type { Services } from '../services/index.ts';
import type { Sweeper } from './sweeper.ts';

/** Timers, signal-wait timeouts, approval timeouts, and parents whose children all ended. */
export function registerWaitSweeps(sweeper: Sweeper, services: Services): void {
  const { waits, approvals } = services;
  sweeper.register('wait-timers', (now) => waits.sweepWaits(now));
  sweeper.register('approval-timeouts', (now) => approvals.sweepApprovals(now));
  sweeper.register('waiting-parents', (now) => waits.sweepParents(now));
}
