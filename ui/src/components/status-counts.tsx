import type { IntentStatus } from '../generated/graphql.ts';

/** Per status: how many, and whether that is exact or the server's estimate (past its cap). */
export type Counts = Record<IntentStatus, { n: number; exact: boolean }>;

/** An estimate keeps two significant digits: "≈ 280,000" rather than a precise-looking 275,680. */
export function formatCount(n: number, exact: boolean): string {
  if (exact) return n.toLocaleString('en-US');
  const step = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(n, 1))) - 1);
  return `≈ ${(Math.round(n / step) * step).toLocaleString('en-US')}`;
}

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
          <span class="count-n" title={p.counts && !p.counts[s].exact ? 'an estimate: past its cap the server estimates instead of counting' : undefined}>
            {p.counts ? formatCount(p.counts[s].n, p.counts[s].exact) : '…'}
          </span>
          <span class="count-label">{s.toLowerCase()}</span>
        </button>
      ))}
    </div>
  );
}
