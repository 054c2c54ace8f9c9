import { StreamEnd } from '../../live/event-stream.ts';
import type { LiveEvent } from '../../live/event-stream.ts';
import type { IntentEvent as IntentEventRow } from '../../core/model.ts';
import { encodeCursor, positionOf } from '../../store/stream.ts';
import { builder } from '../builder.ts';
import { IntentEventKind, IntentStatus } from './enums.ts';
import { IntentEvent } from './event.ts';
import { Intent, payload } from './intent.ts';

builder.objectFields(IntentEvent, (t) => ({
  cursor: t.string({
    description: 'Position in the namespace’s event stream. Pass it as `after` to the intentEvents subscription to resume right after this event.',
    resolve: (e) => encodeCursor(positionOf(e)),
  }),
  intent: t.field({
    type: Intent,
    description: 'The intent as it is now (not as of this event).',
    resolve: async (e: IntentEventRow & Partial<Pick<LiveEvent, 'loadIntent'>>, _a, ctx) => {
      const intent = await (e.loadIntent ? e.loadIntent(e.intentId) : ctx.services.intents.get(ctx.caller, e.intentId));
      if (!intent) throw new Error(`intent ${e.intentId} of event ${e.id} is gone`);
      return intent;
    },
  }),
}));

builder.objectField(Intent, 'progress', (t) =>
  t.field({
    type: 'JSON',
    nullable: true,
    description: 'The latest value from reportProgress (not part of the event log); pushed live by intentChanged.',
    resolve: (i, _a, ctx) => payload(i, ctx, 'progress'),
  }),
);

const IntentEventFilter = builder.inputType('IntentEventFilter', {
  fields: (t) => ({
    intentId: t.id({ description: 'Only this intent’s events.' }),
    types: t.stringList({ description: 'Only events of intents of any of these types.' }),
    statuses: t.field({ type: [IntentStatus], description: 'Only events that left the intent in any of these statuses.' }),
    kinds: t.field({ type: [IntentEventKind], description: 'Only events of any of these kinds.' }),
    parentId: t.id({ description: 'Only events of children of this intent.' }),
  }),
});

/** The stream's final item when it ends with an error: the client sees the coded error and resumes from its cursor. */
const unwrap = <T>(item: T | StreamEnd): T => {
  if (item instanceof StreamEnd) throw item.error;
  return item;
};

builder.subscriptionFields((t) => ({
  intentEvents: t.field({
    type: IntentEvent,
    description:
      'Every matching event, in stream order (per intent: seq order), exactly once. With `after`, first every stored event after that cursor, then live ones, with no gap and no duplicate; without it, from now. A client that falls behind by AXME_SUBSCRIPTION_BUFFER events gets RATE_LIMITED with `cursor` to resume from. An event whose result would be over AXME_SUBSCRIPTION_MAX_EVENT_BYTES arrives as a PAYLOAD_TOO_LARGE error naming it (`cursor`, `intentId`, `seq`) and the stream goes on.',
    args: {
      filter: t.arg({ type: IntentEventFilter }),
      after: t.arg.string({ description: 'A cursor from an event (subscription or query).' }),
    },
    subscribe: (_r, a, ctx) =>
      ctx.live.events(ctx.caller, a.filter, a.after),
    resolve: (item: LiveEvent | StreamEnd) => unwrap(item),
  }),
  intentChanged: t.field({
    type: Intent,
    description: 'The intent now, then its latest state after every change (events and progress). Rapid changes may arrive as one; use intentEvents for every transition.',
    args: {
      id: t.arg.id({ required: true }),
      statuses: t.arg({
        type: [IntentStatus],
        description: 'Only changes that leave the intent in one of these statuses (the first state always comes); e.g. [COMPLETED, FAILED, CANCELLED] to wait for the result without a message per step.',
      }),
    },
    subscribe: (_r, a, ctx) => ctx.live.intentChanged(ctx.caller, a.id, a.statuses),
    resolve: (item) => unwrap(item),
  }),
}));

const ReportProgressInput = builder.inputType('ReportProgressInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    leaseToken: t.id({ required: true }),
    progress: t.field({ type: 'JSON', required: true, description: 'Replaces the previous value; report cumulative progress (e.g. the text so far), since watchers may skip intermediate values.' }),
  }),
});

builder.mutationFields((t) => ({
  reportProgress: t.field({
    type: Intent,
    description: 'Live progress of a RUNNING intent for its watchers (intentChanged), stored as Intent.progress; writes no event. Needs the live lease.',
    args: { input: t.arg({ type: ReportProgressInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.live.reportProgress(ctx.caller, a.id, a.leaseToken, a.progress),
  }),
}));
