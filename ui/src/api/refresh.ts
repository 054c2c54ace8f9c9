/**
 * Refreshes an aggregate (counts, a list) when events say it changed, without
 * hammering the server: at most one request in flight, at most one per `gap` ms, and
 * always one more after the last change. Unlike a debounce it never starves: a steady
 * stream of events refreshes every `gap` ms instead of waiting for a quiet moment.
 */
export interface Refresher {
  /** Something changed: refresh soon. */
  (): void;
  /** Refresh now (first load, reconnect); a request in flight is followed by one more. */
  now(): void;
  cancel(): void;
}

export function refresher(load: () => Promise<unknown>, gap: number, settle = 100): Refresher {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let dirty = false;
  let last = -Infinity;
  let cancelled = false;

  const run = async () => {
    timer = null;
    if (cancelled) return;
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    dirty = false;
    last = Date.now();
    try {
      await load();
    } catch {
      // the loader reports its own errors; the next change tries again
    } finally {
      running = false;
      if (dirty && !cancelled) schedule(0);
    }
  };

  const schedule = (delay: number) => {
    if (timer || cancelled) return;
    // a short settle gathers a burst of events into one request; the gap spaces the requests
    timer = setTimeout(() => void run(), Math.max(delay, last + gap - Date.now()));
  };

  const soon = (() => (running ? (dirty = true) : schedule(settle))) as Refresher;
  soon.now = () => {
    if (running) dirty = true;
    else {
      if (timer) clearTimeout(timer);
      timer = null;
      void run();
    }
  };
  soon.cancel = () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
  };
  return soon;
}
