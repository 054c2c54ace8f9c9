import type { IntentService } from '../services/intents.ts';
import type { Sweeper } from './sweeper.ts';
import { approvalsOf } from '../services/approvals.ts';
import { waitsOf } from '../services/waits.ts';

/** Timers, signal-wait timeouts, approval timeouts, and parents whose children all ended. */
export function registerWaitSweeps(sweeper: Sweeper, service: IntentService): void {
  const waits = waitsOf(service);
  sweeper.register('wait-timers', (now) => waits.sweepWaits(now));
  sweeper.register('approval-timeouts', (now) => approvalsOf(service).sweepApprovals(now));
  sweeper.register('waiting-parents', (now) => waits.sweepParents(now));
}
