import { useEffect, useMemo, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { request } from '../api/http.ts';
import { live } from '../api/live.ts';
import { useStore } from '../api/store.ts';
import { asksForKey, describeError } from '../api/errors.ts';
import { useCan } from '../api/me.ts';
import { refresher } from '../api/refresh.ts';
import {
  IntentCountsDocument,
  IntentListDocument,
  LiveIntentEventsDocument,
  type IntentFilter,
  type IntentRowFragment,
  type IntentStatus,
} from '../generated/graphql.ts';
import { type Filters, IntentFilters, NO_FILTERS } from './intent-filters.tsx';
import { IntentTable } from './intent-table.tsx';
import { type Counts, StatusCounts, formatCount } from './status-counts.tsx';
import { BASE, Link } from '../router.tsx';

const PAGE_SIZE = 25;
/** Counts refresh at most this often while events stream in, and always after the last one. */
const COUNTS_GAP_MS = 1_000;
/** And this often regardless: changes no event announces (retention deleting old intents) show up too. */
const COUNTS_RECONCILE_MS = 30_000;

function toServerFilter(f: Filters): IntentFilter {
  const labels = f.label.split(',').map((l) => l.trim()).filter(Boolean);
  return { status: f.status.length ? f.status : null, type: f.type ? [f.type] : null, label: labels.length ? labels : null };
}

const serverKey = (f: Filters) => [f.status.join(), f.type, f.label].join('|');

function matches(r: IntentRowFragment, f: IntentFilter): boolean {
  return (!f.status || f.status.includes(r.status)) && (!f.type || f.type.includes(r.type)) && (!f.label || f.label.every((l) => r.labels.includes(l)));
}

/** Applies one live change: update in place, drop a row that left the filter, add a new one on the first page. */
function upsert(rows: IntentRowFragment[], r: IntentRowFragment, f: IntentFilter, firstPage: boolean): IntentRowFragment[] {
  const i = rows.findIndex((x) => x.id === r.id);
  if (i >= 0) return matches(r, f) ? rows.map((x) => (x.id === r.id ? r : x)) : rows.filter((x) => x.id !== r.id);
  if (!firstPage || !matches(r, f)) return rows;
  return [r, ...rows].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

export function IntentsView() {
  const { epoch } = useStore(auth);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // the `after` cursor of each page visited: Next pushes, Previous pops
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [rows, setRows] = useState<IntentRowFragment[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [countsError, setCountsError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canSubmit = useCan('AGENT');
  const server = useMemo(() => toServerFilter(filters), [serverKey(filters)]);
  const after = pages[pages.length - 1] ?? null;

  useEffect(() => {
    let alive = true;
    // rows of another filter or page must not show as if they matched this one
    setRows(null);
    const load = () =>
      request(IntentListDocument, { filter: server, first: PAGE_SIZE, after })
        .then((d) => {
          if (!alive) return;
          setRows(d.intents.nodes);
          setNext(d.intents.pageInfo.hasNextPage ? d.intents.pageInfo.endCursor : null);
          setError(null);
        })
        .catch((e) => alive && !asksForKey(e) && setError(describeError(e)));
    const loadCounts = () =>
      request(IntentCountsDocument, { filter: { type: server.type ?? null, label: server.label ?? null } })
        .then((d) => {
          if (!alive) return;
          const c = d.intentCounts;
          setCounts(Object.fromEntries(c.byStatus.map((s) => [s.status, { n: s.count, exact: s.exact }])) as Counts);
          setCountsError(null);
        })
        .catch((e) => alive && !asksForKey(e) && setCountsError(`The counts could not be refreshed: ${describeError(e)}`));
    const recount = refresher(loadCounts, COUNTS_GAP_MS);
    const reconcile = setInterval(() => document.visibilityState === 'visible' && recount(), COUNTS_RECONCILE_MS);
    // subscribe first, then load: a change made in between arrives as an event and is applied idempotently
    const stop = live(LiveIntentEventsDocument, (cursor) => ({ after: cursor, filter: server.type ? { types: server.type } : null }), {
      cursor: (d) => d.intentEvents.cursor,
      onData: (d) => {
        setRows((rs) => (rs ? upsert(rs, d.intentEvents.intent, server, after === null) : rs));
        recount();
      },
      onRestart: (resumed) => {
        if (!resumed) void load();
        // events missed while away are replayed, but counts are simply asked again
        recount.now();
      },
    });
    void load();
    recount.now();
    return () => {
      alive = false;
      stop();
      recount.cancel();
      clearInterval(reconcile);
    };
  }, [epoch, server, after]);

  const change = (f: Filters) => {
    // a server-side filter change starts again at the newest page; the text search does not
    if (serverKey(f) !== serverKey(filters)) setPages([null]);
    setFilters(f);
  };
  const toggleStatus = (s: IntentStatus) =>
    change({ ...filters, status: filters.status.includes(s) ? filters.status.filter((x) => x !== s) : [...filters.status, s] });
  const text = filters.text.trim().toLowerCase();
  const shown = rows && text ? rows.filter((r) => r.id.toLowerCase().includes(text) || r.type.toLowerCase().includes(text)) : rows;
  const counted = counts ? (filters.status.length ? filters.status : (Object.keys(counts) as IntentStatus[])).map((s) => counts[s]) : null;
  const total = counted ? { n: counted.reduce((n, c) => n + c.n, 0), exact: counted.every((c) => c.exact) } : null;

  return (
    <section>
      <header class="page-head">
        <h1>Intents</h1>
        {canSubmit ? (
          <Link href={`${BASE}/submit`} class="button primary">
            New intent
          </Link>
        ) : null}
      </header>
      <StatusCounts counts={counts} selected={filters.status} onToggle={toggleStatus} />
      {countsError ? <p class="error small">{countsError}</p> : null}
      <IntentFilters value={filters} onChange={change} />
      {error ? <p class="error">{error}</p> : null}
      {shown ? <IntentTable rows={shown} /> : <p class="muted">Loading…</p>}
      <nav class="pager">
        <button type="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          ← Newer
        </button>
        <span class="muted">
          page {pages.length}
          {total !== null ? <span data-total={total.n} data-exact={total.exact}> · {formatCount(total.n, total.exact)} intents</span> : ''}
        </span>
        <button type="button" disabled={!next} onClick={() => next && setPages([...pages, next])}>
          Older →
        </button>
      </nav>
    </section>
  );
}
