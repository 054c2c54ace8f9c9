import { type PubSub, channels } from '../pubsub/types.ts';
import type { Change } from '../store/events.ts';

/**
 * Publishes committed changes the way IntentService does for single ones: the
 * event to live readers, and a wake-up for claimers when an intent became PENDING.
 */
export function announceChanges(pubsub: PubSub, changes: readonly Change[]): void {
  const woken = new Set<string>();
  for (const { intent, event } of changes) {
    pubsub.publish(channels.events(intent.namespace), JSON.stringify(event));
    if (intent.status === 'PENDING') woken.add(`${intent.namespace}\n${intent.type}`);
  }
  for (const key of woken) {
    const [ns, type] = key.split('\n') as [string, string];
    pubsub.publish(channels.work(ns), type);
  }
}
