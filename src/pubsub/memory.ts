import type { PubSub } from './types.ts';

/** In-process pub/sub for a single instance (the embedded default). */
export function createMemoryPubSub(onError: (err: unknown) => void = () => {}): PubSub {
  const handlers = new Map<string, Set<(message: string) => void>>();
  return {
    publish(channel, message) {
      for (const h of handlers.get(channel) ?? []) {
        try {
          h(message);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) handlers.delete(channel);
      };
    },
    async close() {
      handlers.clear();
    },
  };
}
