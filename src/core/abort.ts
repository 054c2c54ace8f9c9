/**
 * The abort signals our code is handed are not always Node's own: graphql-yoga's
 * request signal comes from @whatwg-node and fails the brand check of
 * `AbortSignal.any` on Node 24. Anything with `aborted` and `addEventListener`
 * is accepted here.
 */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface LinkedSignal {
  /** Aborts when any of the sources aborts. */
  readonly signal: AbortSignal;
  /** Removes the listeners this link put on its sources; call it when the wait ends. */
  dispose(): void;
}

/**
 * A native signal that aborts when any source does. Unlike `AbortSignal.any`, it
 * takes foreign signals and leaves no listener behind on a long-lived source (the
 * service's closing signal) once disposed.
 */
export function linkSignals(sources: readonly (AbortLike | null | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const live = sources.filter((s): s is AbortLike => s != null);
  const abort = () => {
    dispose();
    controller.abort();
  };
  const dispose = () => {
    for (const s of live) s.removeEventListener('abort', abort);
  };
  if (live.some((s) => s.aborted)) {
    controller.abort();
    return { signal: controller.signal, dispose: () => {} };
  }
  for (const s of live) s.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, dispose };
}
