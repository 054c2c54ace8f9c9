import { AxmeError } from '../core/errors.ts';

export interface RateLimitOptions {
  /** Operations per second each key may sustain (AXME_RATE_LIMIT). 0 turns limiting off. */
  perSecond: number;
  /** How many may come at once after a quiet spell (AXME_RATE_BURST). */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before all are dropped (a flood of one-off keys must not grow memory without bound). */
const MAX_BUCKETS = 100_000;

/**
 * A token bucket per API key (per instance), shared by every door a key comes in by
 * (GraphQL operations and /mcp requests draw on the same budget). Without auth every
 * caller shares the `open` bucket.
 */
export class RateLimiter {
  private readonly o: RateLimitOptions;
  private readonly buckets = new Map<string, Bucket>();

  constructor(o: RateLimitOptions) {
    this.o = o;
  }

  /** Takes one token for the key: null when allowed, else RATE_LIMITED with the whole seconds to wait. */
  take(keyId: string | null): AxmeError | null {
    const { perSecond, burst } = this.o;
    if (perSecond <= 0) return null;
    const id = keyId ?? 'open';
    const now = performance.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size > MAX_BUCKETS) this.buckets.clear();
      this.buckets.set(id, (b = { tokens: burst, at: now }));
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    return new AxmeError('RATE_LIMITED', `rate limit of ${perSecond}/s exceeded; retry in ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
}
