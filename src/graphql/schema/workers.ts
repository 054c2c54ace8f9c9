import type { SessionAnswer } from '../../services/workers.ts';
import { WORKER_STATUSES, type WorkerSession } from '../../store/workers.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import type { Intent as IntentRow } from '../../core/model.ts';
import { Intent } from './intent.ts';

const WorkerStatus = builder.enumType('WorkerStatus', {
  description: 'CONNECTED while heartbeats arrive; STOPPED when the worker ended its session; LOST when its heartbeats stopped or a restart took its identity.',
  values: WORKER_STATUSES,
});

export const Worker = builder.objectRef<WorkerSession>('Worker');

Worker.implement({
  description: 'One session of a worker process, from registerWorker until it stops or is lost. The intents it leases go back at once when it ends.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The session id: pass it as workerId when claiming.' }),
    identity: t.exposeString('identity', { description: 'Who the worker is across restarts; a new session with the same identity ends this one.' }),
    name: t.exposeString('name'),
    host: t.exposeString('host', { nullable: true }),
    sdk: t.exposeString('sdk', { nullable: true }),
    sdkVersion: t.exposeString('sdkVersion', { nullable: true }),
    types: t.exposeStringList('types'),
    concurrency: t.exposeInt('concurrency'),
    status: t.expose('status', { type: WorkerStatus }),
    endReason: t.exposeString('endReason', { nullable: true, description: 'STOPPED, REPLACED (a restart took the identity) or MISSED_HEARTBEATS.' }),
    sessionSeconds: t.exposeInt('sessionSeconds', { description: 'Without a heartbeat for this long the session is LOST.' }),
    principal: t.exposeString('principal', { nullable: true, description: 'The API key name it registered with.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    inFlightCount: t.int({ description: 'RUNNING intents this session leases.', resolve: async (w, _a, ctx) => (await ctx.loaders.inFlight.load(w.id)).length }),
    inFlight: t.field({
      type: [Intent],
      description: 'The first 20 RUNNING intents this session leases, by id; inFlightCount counts them all.',
      extensions: listSize({ default: 20 }),
      resolve: async (w, _a, ctx) => {
        const ids = await ctx.loaders.inFlight.load(w.id);
        const intents = await ctx.loaders.intent.loadMany(ids.slice(0, 20));
        return intents.filter((i): i is IntentRow => i != null && !(i instanceof Error));
      },
    }),
  }),
});

const WorkerSessionRef = builder.objectRef<SessionAnswer>('WorkerSession');
WorkerSessionRef.implement({
  description: 'What registerWorker and heartbeatWorker answer: the session, whether it is still live, and how often to heartbeat.',
  fields: (t) => ({
    id: t.id({ resolve: (a) => a.session.id }),
    status: t.field({ type: WorkerStatus, resolve: (a) => a.session.status }),
    valid: t.boolean({ description: 'false once the session ended (stopped, lost or replaced): register again; its leases were released.', resolve: (a) => a.session.status === 'CONNECTED' }),
    heartbeatSeconds: t.int({ description: 'Heartbeat this often; after sessionSeconds without one the session is LOST.', resolve: (a) => a.heartbeatSeconds }),
    sessionSeconds: t.int({ resolve: (a) => a.session.sessionSeconds }),
    expiresAt: t.field({ type: 'DateTime', description: 'LOST at this time unless a heartbeat comes first.', resolve: (a) => a.session.expiresAt }),
    worker: t.field({ type: Worker, resolve: (a) => a.session }),
  }),
});

const RegisterWorkerInput = builder.inputType('RegisterWorkerInput', {
  fields: (t) => ({
    identity: t.string({ description: 'Stable across restarts of the same worker (e.g. AXME_WORKER_IDENTITY): a new session with it ends the previous one and releases its leases at once. Absent: the session is its own identity.' }),
    name: t.string({ required: true, description: 'Shown in the dashboard and `axme workers`.' }),
    host: t.string(),
    sdk: t.string({ description: 'e.g. `@axme/client` or `axme_durable`.' }),
    sdkVersion: t.string(),
    types: t.stringList({ required: true, description: 'Intent types the worker handles.' }),
    concurrency: t.int({ description: 'Intents it runs at once. Default 1.' }),
    sessionSeconds: t.int({ description: 'Without a heartbeat for this long the session is LOST (2–3600). Default 10 (AXME_WORKER_SESSION_SECONDS).' }),
  }),
});

const WorkerIdInput = builder.inputType('WorkerIdInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const WorkersFilter = builder.inputType('WorkersFilter', {
  fields: (t) => ({
    status: t.field({ type: [WorkerStatus], description: 'Any of these statuses.' }),
    type: t.stringList({ description: 'Workers handling any of these types.' }),
  }),
});

const ReleaseIntentInput = builder.inputType('ReleaseIntentInput', {
  fields: (t) => ({ id: t.id({ required: true }), leaseToken: t.id({ required: true }) }),
});

builder.objectField(Intent, 'worker', (t) =>
  t.field({
    type: Worker,
    nullable: true,
    description: 'The worker session holding the lease, while RUNNING under a claim that named one.',
    resolve: (i, _a, ctx) => (i.status === 'RUNNING' && i.leaseWorker ? ctx.loaders.worker.load(i.leaseWorker) : null),
  }));

builder.queryFields((t) => ({
  workers: t.field({
    type: [Worker],
    description: 'Worker sessions of the namespace: CONNECTED first, then the most recently seen. Ended sessions are kept a day.',
    extensions: listSize({ arg: 'first', default: 100, max: 500 }),
    args: { filter: t.arg({ type: WorkersFilter }), first: t.arg.int({ description: '1–500. Default 100.' }) },
    resolve: (_r, a, ctx) => ctx.services.workers.list(ctx.caller, a.filter ? { statuses: a.filter.status, types: a.filter.type } : null, a.first),
  }),
  worker: t.field({
    type: Worker,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.workers.get(ctx.caller, a.id),
  }),
}));

builder.mutationFields((t) => ({
  registerWorker: t.field({
    type: WorkerSessionRef,
    description: 'Starts a worker session; heartbeat it every heartbeatSeconds and pass its id as workerId when claiming. A live session with the same identity ends (LOST, REPLACED) and its leases go back at once.',
    args: { input: t.arg({ type: RegisterWorkerInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.workers.register(ctx.caller, input),
  }),
  heartbeatWorker: t.field({
    type: WorkerSessionRef,
    description: 'Keeps the session alive. Answers valid: false when it already ended (register again).',
    args: { input: t.arg({ type: WorkerIdInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.workers.heartbeat(ctx.caller, input.id),
  }),
  stopWorker: t.field({
    type: Worker,
    description: 'Ends the session (STOPPED). Leases it still holds go back at once with their attempt spent; release claimed work the worker never started with releaseIntent first.',
    args: { input: t.arg({ type: WorkerIdInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.workers.stop(ctx.caller, input.id),
  }),
  releaseIntent: t.field({
    type: Intent,
    description: 'The lease holder gives back an intent it never started work on: PENDING at once, the attempt not spent. LEASE_LOST when the lease is not current.',
    args: { input: t.arg({ type: ReleaseIntentInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.intents.release(ctx.caller, input.id, input.leaseToken),
  }),
}));
