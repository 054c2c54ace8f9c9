import { type PubSub, channels } from '../pubsub/types.ts';

/**
 * Resolves when an intent of one of `types` becomes claimable in the namespace,
 * after `ms` at the latest, at once when `signal` aborts, or when `orWhen` resolves.
 * A wake-up is a hint: the caller claims again and may still find nothing.
 */
export function waitForWork(
  pubsub: PubSub, namespace: string, types: readonly string[], ms: number, signal: AbortSignal, orWhen?: Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let settled = false;
    void orWhen?.then(() => done());
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = pubsub.subscribe(channels.work(namespace), (type) => {
      if (types.includes(type)) done();
    });
    signal.addEventListener('abort', done, { once: true });
  });
}
