// The package's entry: `import { createClient } from '@axme/client'`.
import { AxmeClient, type ClientOptions } from './client.ts';
import { type Handler, Worker, type WorkerOptions } from './worker.ts';

export class Axme extends AxmeClient {
  /** Starts a worker that handles intents of `o.types` until stop(). */
  worker<Input = unknown>(o: WorkerOptions, handler: Handler<Input>): Worker {
    return new Worker(this, o, handler);
  }
}

export function createClient(o: ClientOptions): Axme {
  return new Axme(o);
}

export type {
  ClientOptions, Intent, IntentEvent, Lease, Approval, Signal, SubmitIntentInput, IntentFilter, IntentStatus, IntentEventFilter, ApprovalFilter,
  ResolveApprovalInput, Transport, WatchOptions, WorkerInfo, WorkerSession, StreamPage, EscalationData,
} from './client.ts';
export type { Schedule, ScheduleWithPreview, ScheduleClient } from './schedules.ts';
export type { CreateScheduleInput, UpdateScheduleInput, ScheduleFilter, ScheduleOverlapPolicy, ScheduleCatchUpPolicy } from './generated/graphql.ts';
export type { Handler, WorkerOptions } from './worker.ts';
export { Worker } from './worker.ts';
export { StreamWriter, type StreamWriterOptions } from './stream.ts';
export { IntentRun, Suspended, type ApprovalRequest, type WaitKey } from './run.ts';
export type { ApprovalDecision, SignalResult, ChildrenResult, ChildResult } from './wait-outcomes.ts';
export * from './errors.ts';
export { usageOf, type LlmUsage, type StepOptions, type UsageOption } from './usage.ts';
export { defaultSender, fetchSender, nodeSender, type SendRequest } from './send.ts';
