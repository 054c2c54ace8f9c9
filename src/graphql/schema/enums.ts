import { EVENT_KINDS, STATUSES, WAITING_REASONS } from '../../core/lifecycle.ts';
import { builder } from '../builder.ts';

export const IntentStatus = builder.enumType('IntentStatus', {
  description: 'Where an intent is in its lifecycle. COMPLETED, FAILED and CANCELLED are terminal (FAILED and CANCELLED can be retried).',
  values: STATUSES,
});

export const WaitingFor = builder.enumType('WaitingFor', {
  description: 'Why a WAITING intent waits.',
  values: WAITING_REASONS,
});

export const IntentEventKind = builder.enumType('IntentEventKind', {
  description: 'What a transition was; every transition writes exactly one event.',
  values: EVENT_KINDS,
});
