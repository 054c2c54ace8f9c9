import { relative } from '../format.ts';
import type { TimelineEventFragment } from '../generated/graphql.ts';
import { JsonBlock } from './json-block.tsx';
import { StatusBadge } from './status-badge.tsx';

/** Every transition of the intent, oldest first, as the event log has it. */
export function Timeline(p: { events: TimelineEventFragment[] }) {
  return (
    <ol class="timeline">
      {p.events.map((e) => (
        <li key={e.id} data-kind={e.kind}>
          <div class="timeline-head">
            <span class="seq">#{e.seq}</span>
            <strong>{e.kind.replace(/_/g, ' ').toLowerCase()}</strong>
            {e.kind.startsWith('STEP_') ? <span class="mono" data-step-name>{(e.data as { name?: string } | null)?.name}</span> : null}
            <StatusBadge status={e.status} waitingFor={e.waitingFor} />
            <span class="muted" title={e.at}>
              {relative(e.at)}
              {e.actor ? ` · ${e.actor}` : ''}
            </span>
          </div>
          {e.data != null ? <JsonBlock label="data" value={e.data} /> : null}
        </li>
      ))}
    </ol>
  );
}
