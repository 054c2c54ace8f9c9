import type { IntentStatus } from '../generated/graphql.ts';

export const STATUSES: IntentStatus[] = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** Counts per status; clicking one filters the table to it. */
export function StatusCounts(p: { counts: Record<IntentStatus, number> | null; selected: IntentStatus[]; onToggle(s: IntentStatus): void }) {
  return (
    <div class="counts">
      {STATUSES.map((s) => (
        <button
          type="button"
          key={s}
          class={`count count-${s.toLowerCase()}${p.selected.includes(s) ? ' selected' : ''}`}
          aria-pressed={p.selected.includes(s)}
          data-count={s}
          onClick={() => p.onToggle(s)}
        >
          <span class="count-n">{p.counts ? p.counts[s] : '…'}</span>
          <span class="count-label">{s.toLowerCase()}</span>
        </button>
      ))}
    </div>
  );
}
