import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { request } from '../api/http.ts';
import { live } from '../api/live.ts';
import { useStore } from '../api/store.ts';
import { debounce } from '../format.ts';
import { ApprovalEventsDocument, ApprovalInboxDocument, type ApprovalCardFragment, type ApprovalStatus } from '../generated/graphql.ts';
import { ApprovalCard } from './approval-card.tsx';

const TABS: { label: string; status: ApprovalStatus[] | null }[] = [
  { label: 'Pending', status: ['PENDING'] },
  { label: 'Timed out & escalated', status: ['TIMED_OUT', 'ESCALATED'] },
  { label: 'Decided', status: ['RESOLVED'] },
  { label: 'All', status: null },
];

export function ApprovalsInbox() {
  const { epoch } = useStore(auth);
  const [tab, setTab] = useState(0);
  const [items, setItems] = useState<ApprovalCardFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () =>
      request(ApprovalInboxDocument, { status: TABS[tab]!.status, first: 50 })
        .then((d) => {
          if (!alive) return;
          // a card decided here stays visible with its result until the next change reloads the list
          setItems((old) => {
            const kept = (old ?? []).filter((a) => a.status === 'RESOLVED' && !d.approvals.nodes.some((n) => n.id === a.id) && tab === 0);
            return [...kept, ...d.approvals.nodes];
          });
          setError(null);
        })
        .catch((e: Error) => alive && setError(e.message));
    const reload = debounce(load, 150);
    setItems(null);
    const stop = live(ApprovalEventsDocument, (after) => ({ after }), { cursor: (d) => d.intentEvents.cursor, onData: reload, onRestart: reload });
    void load();
    return () => {
      alive = false;
      stop();
      reload.cancel();
    };
  }, [epoch, tab]);

  const resolved = (a: ApprovalCardFragment) => setItems((xs) => (xs ?? []).map((x) => (x.id === a.id ? a : x)));

  return (
    <section>
      <h1>Approvals</h1>
      <div class="tabs" role="tablist">
        {TABS.map((t, i) => (
          <button key={t.label} type="button" role="tab" aria-selected={i === tab} class={i === tab ? 'selected' : ''} onClick={() => setTab(i)}>
            {t.label}
          </button>
        ))}
      </div>
      {error ? <p class="error">{error}</p> : null}
      {!items ? <p class="muted">Loading…</p> : items.length ? items.map((a) => <ApprovalCard key={a.id} approval={a} onResolved={resolved} />) : <p class="empty">Nothing here.</p>}
    </section>
  );
}
