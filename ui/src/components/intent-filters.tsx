import type { IntentStatus } from '../generated/graphql.ts';
import { STATUSES } from './status-counts.tsx';

export interface Filters {
  status: IntentStatus[];
  type: string;
  /** Comma-separated; an intent must carry every one. */
  label: string;
  /** Client-side: matches id or type within the loaded page. */
  text: string;
}

export const NO_FILTERS: Filters = { status: [], type: '', label: '', text: '' };

export function IntentFilters(p: { value: Filters; onChange(f: Filters): void }) {
  const set = (patch: Partial<Filters>) => p.onChange({ ...p.value, ...patch });
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Status
        <select
          name="status"
          value={p.value.status.length === 1 ? p.value.status[0] : ''}
          onChange={(e) => set({ status: e.currentTarget.value ? [e.currentTarget.value as IntentStatus] : [] })}
        >
          <option value="">{p.value.status.length > 1 ? p.value.status.join(', ').toLowerCase() : 'any'}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        Type
        <input name="type" value={p.value.type} placeholder="exact type" onChange={(e) => set({ type: e.currentTarget.value.trim() })} />
      </label>
      <label>
        Labels
        <input name="label" value={p.value.label} placeholder="a, b" onChange={(e) => set({ label: e.currentTarget.value })} />
      </label>
      <label>
        Search
        <input name="text" type="search" value={p.value.text} placeholder="id or type (this page)" onInput={(e) => set({ text: e.currentTarget.value })} />
      </label>
    </form>
  );
}
