/**
 * All time the service reasons about (leases, run_at, deadlines) comes from one
 * clock and reaches SQL as a parameter, so tests can move time instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | number = Date.parse('2030-01-01T00:00:00Z')) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }

  set(to: Date): void {
    this.ms = to.getTime();
  }
}
