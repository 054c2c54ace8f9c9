// The retry policy's escalation fields: validated like the others, and each resolved from the
// intent, else its type, else the server (core/retry-policy.ts).
import { expect, it } from 'vitest';
import { resolveExhausted, validateRetryPolicy } from '../src/core/retry-policy.ts';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: string }).code, field: (e as { details?: { field?: string } }).details?.field };
  }
  return null;
};

it('validates onExhausted, escalateTo and escalateTimeoutSeconds, naming the field', () => {
  expect(validateRetryPolicy('retry', { onExhausted: 'ESCALATE', escalateTo: ['ops', 'ops', 'ann'], escalateTimeoutSeconds: 60 }))
    .toEqual({ onExhausted: 'ESCALATE', escalateTo: ['ops', 'ann'], escalateTimeoutSeconds: 60 });
  expect(refusal(() => validateRetryPolicy('retry', { onExhausted: 'SOMETIMES' as never }))).toEqual({ code: 'BAD_USER_INPUT', field: 'retry.onExhausted' });
  expect(refusal(() => validateRetryPolicy('retry', { escalateTimeoutSeconds: 0 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'retry.escalateTimeoutSeconds' });
  expect(refusal(() => validateRetryPolicy('retry', { escalateTimeoutSeconds: 1.5 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'retry.escalateTimeoutSeconds' });
  expect(refusal(() => validateRetryPolicy('retry', { escalateTo: Array.from({ length: 101 }, (_, i) => `p${i}`) }))).toEqual({ code: 'BAD_USER_INPUT', field: 'retry.escalateTo' });
  expect(validateRetryPolicy('retry', { onExhausted: null, escalateTo: null })).toBeNull();
});

it('takes each field from the intent, else the type, else the server', () => {
  expect(resolveExhausted('FAIL', null, null)).toEqual({ onExhausted: 'FAIL', escalateTo: [], escalateTimeoutSeconds: null });
  expect(resolveExhausted('ESCALATE', null, null).onExhausted).toBe('ESCALATE');
  const type = { onExhausted: 'ESCALATE' as const, escalateTo: ['ops'], escalateTimeoutSeconds: 600 };
  expect(resolveExhausted('FAIL', type, null)).toEqual({ onExhausted: 'ESCALATE', escalateTo: ['ops'], escalateTimeoutSeconds: 600 });
  expect(resolveExhausted('FAIL', type, { onExhausted: 'FAIL' }).onExhausted).toBe('FAIL');
  expect(resolveExhausted('FAIL', type, { escalateTo: ['ann'] })).toEqual({ onExhausted: 'ESCALATE', escalateTo: ['ann'], escalateTimeoutSeconds: 600 });
});
