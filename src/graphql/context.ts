import type { LiveService } from '../live/service.ts';
import type { Caller, IntentService } from '../service.ts';

export interface Context {
  service: IntentService;
  live: LiveService;
  caller: Caller;
  /** Aborted when the client goes away; ends long polls early. */
  signal: AbortSignal;
}
