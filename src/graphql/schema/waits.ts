import type { InputFieldBuilder } from '@pothos/core';
import type { Signal as SignalRow } from '../../store/waits.ts';
import { type Types, builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { IntentEvent } from './event.ts';
import { Intent, IntentConnection, NO_STEPS_OR_WAKES_UNTIL_SEQ } from './intent.ts';

const Signal = builder.objectRef<SignalRow>('Signal');

Signal.implement({
  description: 'A named message delivered to an intent. It wakes a wait for its name, or is kept until the next one consumes it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    intentId: t.exposeID('intentId'),
    intent: t.field({ type: Intent, nullable: true, resolve: (s, _a, ctx) => ctx.services.intents.get(ctx.caller, s.intentId) }),
    name: t.exposeString('name'),
    payload: t.expose('payload', { type: 'JSON', nullable: true }),
    sentBy: t.exposeString('sentBy', { nullable: true }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    consumedAt: t.expose('consumedAt', { type: 'DateTime', nullable: true, description: 'When a wait took it; null while kept.' }),
  }),
});

builder.objectFields(Intent, (t) => ({
  signals: t.field({
    type: [Signal],
    description: 'Signals received, oldest first, a page at a time: pass the last id of a full page as `after` for the next.',
    extensions: listSize({ arg: 'first', default: 100, max: 500 }),
    args: {
      name: t.arg.string(),
      first: t.arg.int({ description: '1–500. Default 100.' }),
      after: t.arg.id({ description: 'Only signals received after this one.' }),
    },
    resolve: (i, a, ctx) => ctx.services.waits.signals(ctx.caller, i.id, a.name, a.first, a.after ?? null),
  }),
  children: t.field({
    type: IntentConnection,
    description: 'Child intents (submitted with parentId), newest first, with their status and output.',
    extensions: listSize({ arg: 'first', default: 20, max: 500, sized: ['nodes', 'edges'] }),
    args: { first: t.arg.int({ description: '0–500. Default 20.' }), after: t.arg.string() },
    resolve: (i, a, ctx) => ctx.services.intents.list(ctx.caller, { filter: { parentId: i.id }, first: a.first, after: a.after }),
  }),
  lastWake: t.field({
    type: IntentEvent,
    nullable: true,
    description: 'The event that last ended a wait; data.wake says why (APPROVAL, APPROVAL_TIMEOUT, SIGNAL, TIMEOUT, CHILDREN, TIME).',
    resolve: (i, _a, ctx) => (i.lastSeq <= NO_STEPS_OR_WAKES_UNTIL_SEQ ? null : ctx.loaders.lastWake.load(i.id)),
  }),
}));

const leased = (t: InputFieldBuilder<Types, 'InputObject'>) => ({
  id: t.id({ required: true }),
  leaseToken: t.id({ required: true }),
  checkpoint: t.field({ type: 'JSON', description: 'Saved with the wait (replaces the stored checkpoint); omit to keep it.' }),
});

const WaitForSignalInput = builder.inputType('WaitForSignalInput', {
  fields: (t) => ({
    ...leased(t),
    name: t.string({ required: true }),
    timeoutSeconds: t.int({ description: 'Back to PENDING (event WAIT_TIMED_OUT) after this long without the signal. Default: no timeout.' }),
  }),
});

const SignalIntentInput = builder.inputType('SignalIntentInput', {
  fields: (t) => ({ id: t.id({ required: true }), name: t.string({ required: true }), payload: t.field({ type: 'JSON' }) }),
});

const WaitForChildrenInput = builder.inputType('WaitForChildrenInput', { fields: (t) => leased(t) });

const SleepIntentInput = builder.inputType('SleepIntentInput', {
  fields: (t) => ({ ...leased(t), until: t.field({ type: 'DateTime', required: true }) }),
});

builder.mutationFields((t) => ({
  waitForSignal: t.field({
    type: Intent,
    description: 'WAITING (SIGNAL) until signalIntent delivers `name`; a signal that arrived earlier is consumed and the intent is PENDING at once. The lease is released either way.',
    args: { input: t.arg({ type: WaitForSignalInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.waits.waitForSignal(ctx.caller, a),
  }),
  signalIntent: t.field({
    type: Signal,
    description: 'Delivers a signal to a non-terminal intent: it wakes a wait for this name, or is kept for the next one.',
    args: { input: t.arg({ type: SignalIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.waits.signalIntent(ctx.caller, a),
  }),
  waitForChildren: t.field({
    type: Intent,
    description: 'WAITING (CHILDREN) until every child is COMPLETED, FAILED or CANCELLED, then PENDING; at once when they all are already.',
    args: { input: t.arg({ type: WaitForChildrenInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.waits.waitForChildren(ctx.caller, a),
  }),
  sleepIntent: t.field({
    type: Intent,
    description: 'WAITING (TIME) until `until`, then PENDING (at once when it is past).',
    args: { input: t.arg({ type: SleepIntentInput, required: true }) },
    resolve: (_r, { input: a }, ctx) => ctx.services.waits.sleep(ctx.caller, a),
  }),
}));
