import type { Services } from '../services/index.ts';
import type { Sweeper } from './sweeper.ts';

/**
 * Worker sessions: those whose heartbeats stopped become LOST with their leases released;
 * leases still naming an ended session (a claim that raced its ending) go back; sessions
 * ended a day ago are deleted. Each is SKIP LOCKED, so instances sweep side by side.
 */
export function registerWorkerSweeps(sweeper: Sweeper, services: Services): void {
  const { workers } = services;
  sweeper.register('worker-sessions', (now) => workers.sweepLost(now));
  sweeper.register('worker-leases', (now) => workers.sweepStragglers(now));
  sweeper.register('worker-retention', (now) => workers.sweepEnded(now));
}
