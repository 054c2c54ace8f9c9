import type { IntentStatus } from '../generated/graphql.ts';

/** Per status: how many, and whether the server stopped counting at its cap. */
export type Counts = Record<IntentStatus, { n: number; capped: boolean }>;

export const formatCount = (n: number, capped: boolean) => `${n.toLocaleString('en-US')}${capped ? '+' : ''}`;

export const STATUSES: IntentStatus[] = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** Counts per status; clicking one filters the table to it. */
export function StatusCounts(p: { counts: Counts | null; selected: IntentStatus[]; onToggle(s: IntentStatus): void }) {
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
          <span class="count-n" title={p.counts?.[s].capped ? 'at least this many: the server stops counting there' : undefined}>
            {p.counts ? formatCount(p.counts[s].n, p.counts[s].capped) : '…'}
          </span>
          <span class="count-label">{s.toLowerCase()}</span>
        </button>
      ))}
    </div>
  );
}
