import { relative, shortId } from '../format.ts';
import type { IntentRowFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';
import { StatusBadge } from './status-badge.tsx';

/** Newest first; on a narrow screen each row becomes a card (see styles.css). */
export function IntentTable(p: { rows: IntentRowFragment[] }) {
  if (!p.rows.length) return <p class="empty">No intents match.</p>;
  return (
    <table class="intents">
      <thead>
        <tr>
          <th>Id</th>
          <th>Type</th>
          <th>Status</th>
          <th>Attempt</th>
          <th>Agent</th>
          <th>Labels</th>
          <th>Created</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr key={r.id} data-id={r.id} data-status={r.status}>
            <td data-label="Id">
              <Link href={intentHref(r.id)} class="mono">
                {shortId(r.id)}
              </Link>
            </td>
            <td data-label="Type" class="mono">{r.type}</td>
            <td data-label="Status">
              <StatusBadge status={r.status} waitingFor={r.waitingFor} />
            </td>
            <td data-label="Attempt">
              {r.attempt}/{r.maxAttempts}
            </td>
            <td data-label="Agent">{r.lease?.agent ?? '—'}</td>
            <td data-label="Labels">
              {r.labels.map((l) => (
                <span key={l} class="label">
                  {l}
                </span>
              ))}
            </td>
            <td data-label="Created" title={r.createdAt}>{relative(r.createdAt)}</td>
            <td data-label="Updated" title={r.updatedAt}>{relative(r.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
