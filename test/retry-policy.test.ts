import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/core/config.ts';
import { parseDurationSeconds } from '../src/core/duration.ts';
import { backoffSeconds, resolveRetryPolicy, validateRetryPolicy, type RetryPolicy } from '../src/core/retry-policy.ts';

const policy: RetryPolicy = { initialIntervalSeconds: 2, backoffCoefficient: 3, maxIntervalSeconds: 100, jitter: 0 };

describe('backoff', () => {
  it('grows by the coefficient from the initial interval and stops at the max', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffSeconds(policy, a))).toEqual([2, 6, 18, 54, 100, 100]);
  });

  it('stays at the max for huge attempt numbers instead of overflowing', () => {
    expect(backoffSeconds({ ...policy, backoffCoefficient: 100 }, 10_000)).toBe(100);
  });

  it('jitter only shortens the delay, by at most its fraction', () => {
    const p = { ...policy, jitter: 0.5 };
    expect(backoffSeconds(p, 2, () => 0)).toBe(6);
    expect(backoffSeconds(p, 2, () => 0.5)).toBe(4.5);
    expect(backoffSeconds(p, 2, () => 0.999999)).toBeGreaterThan(3);
  });

  it('layers intent over type over server settings', () => {
    expect(resolveRetryPolicy(policy, { initialIntervalSeconds: 5, jitter: 0.1 }, { initialIntervalSeconds: 7 }))
      .toEqual({ initialIntervalSeconds: 7, backoffCoefficient: 3, maxIntervalSeconds: 100, jitter: 0.1 });
  });
});

describe('retry policy input', () => {
  it.each([
    [{ initialIntervalSeconds: -1 }],
    [{ backoffCoefficient: 0.5 }],
    [{ maxIntervalSeconds: 1e9 }],
    [{ jitter: 1.5 }],
    [{ initialIntervalSeconds: Number.NaN }],
    [{ initialIntervalSeconds: 10, maxIntervalSeconds: 5 }],
  ])('refuses %j with BAD_USER_INPUT', (p) => {
    expect(() => validateRetryPolicy('retry', p)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('keeps only the fields that were set', () => {
    expect(validateRetryPolicy('retry', { initialIntervalSeconds: 1, jitter: null })).toEqual({ initialIntervalSeconds: 1 });
    expect(validateRetryPolicy('retry', {})).toBeNull();
  });
});

describe('configuration', () => {
  it('reads AXME_RETENTION as a duration, with off and a 30 day default', () => {
    expect(parseDurationSeconds('30d')).toBe(30 * 86_400);
    expect(parseDurationSeconds('12h')).toBe(43_200);
    expect(parseDurationSeconds('90')).toBe(90);
    expect(parseDurationSeconds('1w')).toBeNull();
    expect(loadConfig({}).retentionSeconds).toBe(30 * 86_400);
    expect(loadConfig({ AXME_RETENTION: 'off' }).retentionSeconds).toBeNull();
    expect(loadConfig({ AXME_RETENTION: '45m' }).retentionSeconds).toBe(2700);
    expect(() => loadConfig({ AXME_RETENTION: 'soon' })).toThrow(/AXME_RETENTION/);
  });

  it('reads the server retry defaults and refuses nonsense', () => {
    expect(loadConfig({})).toMatchObject({ retryInitialIntervalSeconds: 1, retryBackoffCoefficient: 2, retryMaxIntervalSeconds: 300, retryJitter: 0.2 });
    expect(loadConfig({ AXME_RETRY_BACKOFF_COEFFICIENT: '1.5' }).retryBackoffCoefficient).toBe(1.5);
    expect(() => loadConfig({ AXME_RETRY_JITTER: '2' })).toThrow(/AXME_RETRY_JITTER/);
  });
});
