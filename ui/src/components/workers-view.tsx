/**
 * The Workers view: every worker session of the namespace, live. Sessions write no
 * events (a heartbeat every two seconds per worker would flood the log), so the view
 * re-reads the list every two seconds for status and last seen, and at once when a
 * lease event (a claim, a completion, a release) changes what a worker has in flight.
 */
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { request } from '../api/http.ts';
import { live } from '../api/live.ts';
import { useStore } from '../api/store.ts';
import { debounce, relative, shortId } from '../format.ts';
import { WorkerLeaseEventsDocument, WorkersListDocument, type WorkerRowFragment, type WorkerStatus } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';

const POLL_MS = 2_000;

const TABS: { label: string; status: WorkerStatus[] | null }[] = [
  { label: 'Connected', status: ['CONNECTED'] },
  { label: 'All', status: null },
];

const BADGE: Record<WorkerStatus, string> = { CONNECTED: 'badge-completed', STOPPED: 'badge-cancelled', LOST: 'badge-failed' };

export function WorkersView() {
  const { epoch } = useStore(auth);
  const [tab, setTab] = useState(0);
  const [rows, setRows] = useState<WorkerRowFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, tick] = useState(0);

  useEffect(() => {
    let alive = true;
    const load = () =>
      request(WorkersListDocument, { status: TABS[tab]!.status, first: 200 })
        .then((d) => {
          if (!alive) return;
          setRows(d.workers);
          setError(null);
        })
        .catch((e: Error) => alive && setError(e.message));
    const reload = debounce(load, 150);
    setRows(null);
    const stop = live(WorkerLeaseEventsDocument, (after) => ({ after }), { cursor: (d) => d.intentEvents.cursor, onData: reload, onRestart: reload });
    const timer = setInterval(() => {
      void load();
      tick((n) => n + 1); // "last seen" moves on between loads too
    }, POLL_MS);
    void load();
    return () => {
      alive = false;
      stop();
      clearInterval(timer);
      reload.cancel();
    };
  }, [epoch, tab]);

  return (
    <section>
      <h1>Workers</h1>
      <div class="tabs" role="tablist">
        {TABS.map((t, i) => (
          <button key={t.label} type="button" role="tab" aria-selected={i === tab} class={i === tab ? 'selected' : ''} onClick={() => setTab(i)}>
            {t.label}
          </button>
        ))}
      </div>
      {error ? <p class="error">{error}</p> : null}
      {!rows ? <p class="muted">Loading…</p> : rows.length ? <WorkerTable rows={rows} /> : <p class="empty">No workers. A worker appears here when it starts.</p>}
    </section>
  );
}

function WorkerTable(p: { rows: WorkerRowFragment[] }) {
  return (
    <table class="intents workers">
      <thead>
        <tr>
          <th>Name</th>
          <th>Status</th>
          <th>In flight</th>
          <th>Last seen</th>
          <th>Host</th>
          <th>SDK</th>
          <th>Types</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((w) => (
          <tr key={w.id} data-id={w.id} data-status={w.status} data-in-flight={w.inFlightCount}>
            <td data-label="Name">
              <span title={`session ${w.id}\nidentity ${w.identity}`}>{w.name}</span>
            </td>
            <td data-label="Status">
              <span class={`badge ${BADGE[w.status]}`} data-status={w.status} title={w.endReason ?? ''}>
                {w.status}
                {w.endReason && w.endReason !== w.status ? ` · ${w.endReason.replace('_', ' ').toLowerCase()}` : ''}
              </span>
            </td>
            <td data-label="In flight" data-field="in-flight">
              <span class="count-of">
                {w.inFlightCount}/{w.concurrency}
              </span>{' '}
              {w.inFlight.map((i) => (
                <Link key={i.id} href={intentHref(i.id)} class="mono label">
                  {shortId(i.id)}
                </Link>
              ))}
            </td>
            <td data-label="Last seen" title={w.lastSeenAt}>{relative(w.lastSeenAt)}</td>
            <td data-label="Host">{w.host ?? '—'}</td>
            <td data-label="SDK">{[w.sdk, w.sdkVersion].filter(Boolean).join(' ') || '—'}</td>
            <td data-label="Types" class="mono">{w.types.join(', ')}</td>
            <td data-label="Started" title={w.startedAt}>{relative(w.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
