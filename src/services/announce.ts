import { countChanges } from '../telemetry/metrics.ts';
import { type PubSub, channels, eventsMessage, listedChange } from '../pubsub/types.ts';
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
  const namespaces = new Map<string, { last: string; changes: string[] }>();
  const work = new Set<string>();
  const visit = (list: readonly Change[]) => {
    for (const { intent, event, also } of list) {
      let ns = namespaces.get(intent.namespace);
      if (!ns) namespaces.set(intent.namespace, (ns = { last: '', changes: [] }));
      ns.last = `${intent.id}:${event.seq}`;
      ns.changes.push(listedChange(intent.id, { status: event.status, seq: event.seq }));
      // an intent that stops running under a concurrency key may free the key for the next one
      if (intent.status === 'PENDING' || (intent.concurrencyKey && intent.status !== 'RUNNING')) work.add(`${intent.namespace}\n${intent.type}`);
      if (also) visit(also);
    }
  };
  visit(changes);
  for (const [ns, { last, changes }] of namespaces) pubsub.publish(channels.events(ns), eventsMessage(last, changes));
  for (const key of work) {
    const [ns, type] = key.split('\n') as [string, string];
    pubsub.publish(channels.work(ns), type);
  }
}
