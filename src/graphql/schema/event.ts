import type { IntentEvent as IntentEventRow } from '../../core/model.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { IntentEventKind, IntentStatus, WaitingFor } from './enums.ts';

export const IntentEvent = builder.objectRef<IntentEventRow>('IntentEvent');

IntentEvent.implement({
  description: 'One transition of one intent, written in the same transaction as the change itself.',
  fields: (t) => ({
    id: t.exposeID('id'),
    intentId: t.exposeID('intentId'),
    seq: t.exposeInt('seq', { description: 'Per intent: 1, 2, 3, … with no gaps.' }),
    kind: t.expose('kind', { type: IntentEventKind }),
    status: t.expose('status', { type: IntentStatus, description: 'The intent’s status after this event.' }),
    waitingFor: t.expose('waitingFor', { type: WaitingFor, nullable: true }),
    actor: t.exposeString('actor', { nullable: true, description: 'The agent or principal that caused it.' }),
    data: t.expose('data', { type: 'JSON', nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  intentEvents: t.field({
    type: [IntentEvent],
    description: 'An intent’s events in seq order.',
    extensions: listSize({ arg: 'first', default: 1000, max: 10_000 }),
    args: {
      intentId: t.arg.id({ required: true }),
      after: t.arg.int({ description: 'Only events with a larger seq. Default 0.' }),
      first: t.arg.int({ description: 'At most this many, 1–10000. Default 1000.' }),
    },
    resolve: (_r, a, ctx) => ctx.services.intents.events(ctx.caller, a.intentId, a.after, a.first),
  }),
}));
