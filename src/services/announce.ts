import { countChanges } from '../telemetry/metrics.ts';
import { type PubSub, channels } from '../pubsub/types.ts';
import type { Change } from '../store/events.ts';
import { traceChanges } from '../telemetry/tracing.ts';

/**
 * Tells readers and claimers that changes committed; call only after the commit.
 * Messages are wake-ups, not data (readers re-read Postgres after their cursor), so
 * a batch publishes once per namespace, and once per type that has new PENDING work
 * (or an intent that left RUNNING under a concurrency key).
 */
export function announceChanges(pubsub: PubSub, changes: readonly Change[]): void {
  countChanges(changes);
  traceChanges(changes);
  const namespaces = new Map<string, string>();
  const work = new Set<string>();
  const visit = (list: readonly Change[]) => {
    for (const { intent, event, also } of list) {
      namespaces.set(intent.namespace, `${intent.id}:${event.seq}`);
      // an intent that stops running under a concurrency key may free the key for the next one
      if (intent.status === 'PENDING' || (intent.concurrencyKey && intent.status !== 'RUNNING')) work.add(`${intent.namespace}\n${intent.type}`);
      if (also) visit(also);
    }
  };
  visit(changes);
  for (const [ns, last] of namespaces) pubsub.publish(channels.events(ns), last);
  for (const key of work) {
    const [ns, type] = key.split('\n') as [string, string];
    pubsub.publish(channels.work(ns), type);
  }
}
