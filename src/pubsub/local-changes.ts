/**
 * Committed changes handed to readers in this same process, as data: the write that
 * committed holds the intent's committed row already (`returning *`), so a watch of
 * that intent here can take it instead of reading it again after the pub/sub message.
 * Other instances still hear only the message and read (types.ts, channels.events).
 *
 * One entry per listening watch, removed when it stops; a write nobody here watches
 * costs a map lookup per change.
 */
import type { Change } from '../store/events.ts';
import type { Intent } from '../core/model.ts';

export type LocalListener = (intent: Intent) => void;

export class LocalChanges {
  private readonly listeners = new Map<string, Set<LocalListener>>();

  /** Calls `fn` with the committed row of every change of this intent made here; returns the unsubscribe function. */
  listen(namespace: string, intentId: string, fn: LocalListener): () => void {
    const key = keyOf(namespace, intentId);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Hands committed changes (and the changes they made alongside, `also`) to their listeners; call only after the commit. */
  emit(changes: readonly Change[]): void {
    if (this.listeners.size === 0) return;
    for (const { intent, also } of changes) {
      // an intent read without some payloads (model.ts) is no state to hand out: its watches read it after the message, as other instances do
      const set = intent.omitted?.length ? undefined : this.listeners.get(keyOf(intent.namespace, intent.id));
      // a listener is a watch's bookkeeping and does not throw; one that did must not fail the write that committed
      if (set) for (const fn of [...set]) {
        try {
          fn(intent);
        } catch {
          // the watch still hears the pub/sub message and reads
        }
      }
      if (also) this.emit(also);
    }
  }

  /** Intents listened to now (tests: entries go when their watches stop). */
  get size(): number {
    return this.listeners.size;
  }
}

const keyOf = (namespace: string, intentId: string) => `${namespace}\n${intentId}`;
