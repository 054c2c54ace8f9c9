import { describe, expect, it } from 'vitest';
import {
  ACTIONS, STATUSES, TERMINAL, TRANSITIONS, afterFailure, eventFor, refusal, step, targetOf, type IntentState, type Status,
} from '../src/core/lifecycle.ts';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date(now.getTime() + 60_000);
const earlier = new Date(now.getTime() - 1);

const state = (status: Status): IntentState =>
  status === 'RUNNING' ? { status, leaseToken: 'tok', leaseExpiresAt: later } : { status, leaseToken: null, leaseExpiresAt: null };

describe('transition table', () => {
  // Spelled out, not derived from TRANSITIONS, so a change to the table must change this too.
  const allowed: Record<string, Status[]> = {
    submit: [],
    claim: ['PENDING'],
    heartbeat: ['RUNNING'],
    checkpoint: ['RUNNING'],
    complete: ['RUNNING'],
    fail: ['RUNNING'],
    cancel: ['PENDING', 'RUNNING', 'WAITING'],
    retry: ['FAILED', 'CANCELLED'],
    wait: ['RUNNING'],
    wake: ['WAITING'],
    expireLease: ['RUNNING'],
    expireDeadline: ['PENDING', 'RUNNING', 'WAITING'],
    requestApproval: ['RUNNING'],
    resolveApproval: ['WAITING'],
    timeOutApproval: ['WAITING'],
    signal: ['PENDING', 'RUNNING', 'WAITING'],
    timeOutWait: ['WAITING'],
    reportProgress: ['RUNNING'],
    recordStep: ['RUNNING'],
    recordStepFailure: ['RUNNING'],
    releaseIntent: ['RUNNING'],
    releaseLease: ['RUNNING'],
    appendStream: ['RUNNING'],
    closeStream: ['RUNNING'],
    fork: [],
    copyStep: ['PENDING'],
    exceedBudget: ['RUNNING'],
    stopOverBudget: ['WAITING'],
    escalateFailure: ['RUNNING'],
    decideEscalation: ['WAITING'],
  };

  for (const action of ACTIONS) {
    for (const status of STATUSES) {
      const expected = allowed[action]!.includes(status);
      it(`${action} from ${status} is ${expected ? 'allowed' : 'refused'}`, () => {
        const r = refusal(action, state(status), 'tok', now);
        if (expected) {
          expect(r).toBeNull();
        } else {
          expect(r).not.toBeNull();
          expect(r!.code).toBe(TERMINAL.includes(status) ? 'CONFLICT' : TRANSITIONS[action].lease ? 'LEASE_LOST' : 'INVALID_TRANSITION');
        }
      });
    }
  }

  it('covers every action', () => {
    expect(Object.keys(allowed).sort()).toEqual([...ACTIONS].sort());
  });

  it('never leaves a terminal state except by retry, which only FAILED and CANCELLED allow', () => {
    for (const action of ACTIONS) {
      for (const s of TERMINAL) {
        const r = refusal(action, state(s), 'tok', now);
        if (action === 'retry' && s !== 'COMPLETED') expect(r).toBeNull();
        else expect(r?.code).toBe('CONFLICT');
      }
    }
  });
});

describe('lease guard', () => {
  it('refuses a stale token with LEASE_LOST', () => {
    expect(refusal('complete', state('RUNNING'), 'other', now)?.code).toBe('LEASE_LOST');
    expect(refusal('heartbeat', state('RUNNING'), null, now)?.code).toBe('LEASE_LOST');
  });

  it('refuses an expired lease with LEASE_LOST, even with the right token', () => {
    const expired: IntentState = { status: 'RUNNING', leaseToken: 'tok', leaseExpiresAt: earlier };
    expect(refusal('checkpoint', expired, 'tok', now)?.code).toBe('LEASE_LOST');
    expect(refusal('complete', { ...expired, leaseExpiresAt: now }, 'tok', now)?.code).toBe('LEASE_LOST');
  });

  it('answers a caller whose intent went back to PENDING with LEASE_LOST, not INVALID_TRANSITION', () => {
    expect(refusal('complete', state('PENDING'), 'tok', now)?.code).toBe('LEASE_LOST');
  });

  it('does not ask for a lease where the table says none', () => {
    expect(refusal('cancel', state('RUNNING'), null, now)).toBeNull();
    expect(refusal('claim', state('PENDING'), null, now)).toBeNull();
  });
});

describe('events and failure', () => {
  it('names the event of each transition', () => {
    expect(eventFor('claim', 'RUNNING')).toBe('CLAIMED');
    expect(eventFor('fail', 'PENDING')).toBe('RETRY_SCHEDULED');
    expect(eventFor('fail', 'FAILED')).toBe('FAILED');
    expect(eventFor('heartbeat', 'RUNNING')).toBeNull();
    expect(() => eventFor('complete', 'PENDING')).toThrow(/no complete -> PENDING/);
  });

  it('gives a statement its target and event from the table', () => {
    expect(step('claim')).toEqual({ action: 'claim', to: 'RUNNING', kind: 'CLAIMED' });
    expect(step('fail', 'PENDING')).toEqual({ action: 'fail', to: 'PENDING', kind: 'RETRY_SCHEDULED' });
    expect(targetOf('cancel')).toBe('CANCELLED');
    expect(() => targetOf('fail')).toThrow(/fail leads to PENDING or FAILED/);
    expect(() => step('complete', 'PENDING')).toThrow(/no complete -> PENDING/);
    expect(() => step('heartbeat')).toThrow(/writes no event/);
  });

  it('retries while attempts remain and the error is retryable', () => {
    expect(afterFailure(1, 3, true)).toBe('PENDING');
    expect(afterFailure(2, 3, true)).toBe('PENDING');
    expect(afterFailure(3, 3, true)).toBe('FAILED');
    expect(afterFailure(1, 3, false)).toBe('FAILED');
    expect(afterFailure(4, 3, true)).toBe('FAILED');
  });
});
