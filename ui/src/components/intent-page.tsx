import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { describeError } from '../api/errors.ts';
import { request } from '../api/http.ts';
import { useCan } from '../api/me.ts';
import { refresher } from '../api/refresh.ts';
import { live } from '../api/live.ts';
import { useStore } from '../api/store.ts';
import { debounce, relative } from '../format.ts';
import {
  CancelIntentDocument,
  ChildEventsDocument,
  IntentApprovalsDocument,
  IntentChangedDocument,
  IntentChildrenDocument,
  IntentEventsPageDocument,
  IntentForksDocument,
  IntentPageDocument,
  IntentTimelineDocument,
  RetryIntentDocument,
  type ApprovalCardFragment,
  type IntentChildrenQuery,
  type IntentForksQuery,
  type IntentDetailFragment,
  type TimelineEventFragment,
} from '../generated/graphql.ts';
import { BASE, intentHref, Link } from '../router.tsx';
import { ApprovalCard } from './approval-card.tsx';
import { ChildrenTree } from './children-tree.tsx';
import { ForkDialog } from './fork-dialog.tsx';
import { JsonBlock } from './json-block.tsx';
import { StatusBadge } from './status-badge.tsx';
import { StepTimeline, usd } from './step-timeline.tsx';
import { StreamsPanel } from './stream-view.tsx';
import { Timeline } from './timeline.tsx';
import { BudgetLines } from './budget-lines.tsx';

const CANCELLABLE = ['PENDING', 'RUNNING', 'WAITING'];
const RETRYABLE = ['FAILED', 'CANCELLED'];

type Children = NonNullable<IntentChildrenQuery['intent']>['children'];
type Forks = NonNullable<IntentForksQuery['intent']>['forks'];

/** The whole event log, a page of 100 at a time. */
async function allEvents(id: string): Promise<TimelineEventFragment[]> {
  const out: TimelineEventFragment[] = [];
  for (;;) {
    const page = (await request(IntentEventsPageDocument, { id, after: out[out.length - 1]?.seq ?? 0 })).intentEvents;
    out.push(...page);
    if (page.length < 100) return out;
  }
}

export function IntentPage(p: { id: string }) {
  const { epoch } = useStore(auth);
  const [intent, setIntent] = useState<IntentDetailFragment | null | undefined>(undefined);
  const [events, setEvents] = useState<TimelineEventFragment[]>([]);
  const [children, setChildren] = useState<Children | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [approvals, setApprovals] = useState<ApprovalCardFragment[]>([]);
  const [busy, setBusy] = useState(false);
  const canAct = useCan('AGENT');
  const [forking, setForking] = useState<{ name: string; seq: number } | null>(null);
  const [forks, setForks] = useState<Forks>([]);

  useEffect(() => {
    let alive = true;
    let stops: (() => void)[] = [];
    // every approval event is also in the intent's timeline: it refreshes the cards
    const loadApprovals = () =>
      request(IntentApprovalsDocument, { id: p.id }).then((d) => alive && setApprovals(d.intent?.approvals ?? []));
    const reloadApprovals = refresher(loadApprovals, 500);
    const append = (e: TimelineEventFragment) => {
      setEvents((es) => (es.some((x) => x.seq >= e.seq) ? es : [...es, e]));
      reloadApprovals();
    };
    const loadChildren = () =>
      request(IntentChildrenDocument, { id: p.id })
        .then((d) => alive && setChildren(d.intent?.children ?? null))
        .catch(() => {});
    const reloadChildren = debounce(loadChildren, 200);
    Promise.all([request(IntentPageDocument, { id: p.id }), allEvents(p.id)])
      .then(([d, log]) => {
        if (!alive) return;
        setIntent(d.intent);
        setEvents(log);
        if (!d.intent) return;
        void loadChildren();
        reloadApprovals.now();
        // read once: the forks made from here open on their own page
        request(IntentForksDocument, { id: p.id }).then((f) => alive && setForks(f.intent?.forks ?? [])).catch(() => {});
        // the timeline resumes right after the last event it shows, so nothing is missed or doubled
        const last = log[log.length - 1]?.cursor ?? null;
        stops = [
          reloadChildren.cancel,
          reloadApprovals.cancel,
          live(ChildEventsDocument, (after) => ({ after, parentId: p.id }), { cursor: (c) => c.intentEvents.cursor, onData: reloadChildren, onRestart: reloadChildren }),
          live(IntentChangedDocument, () => ({ id: p.id }), { cursor: () => null, onData: (c) => setIntent(c.intentChanged) }),
          live(IntentTimelineDocument, (after) => ({ after, filter: { intentId: p.id } }), {
            after: last,
            cursor: (t) => t.intentEvents.cursor,
            onData: (t) => append(t.intentEvents),
            onRestart: () => reloadApprovals.now(),
          }),
        ];
      })
      .catch((e) => alive && setError(describeError(e)));
    return () => {
      alive = false;
      reloadApprovals.cancel();
      stops.forEach((s) => s());
    };
  }, [p.id, epoch]);

  const act = async (action: 'cancel' | 'retry') => {
    setBusy(true);
    setError(null);
    try {
      const d = action === 'cancel' ? (await request(CancelIntentDocument, { id: p.id, reason: 'cancelled from the dashboard' })).cancelIntent : (await request(RetryIntentDocument, { id: p.id })).retryIntent;
      setIntent(d);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  // a decision shows on its card at once; the events it causes reload the rest
  const resolved = (a: ApprovalCardFragment) => setApprovals((xs) => xs.map((x) => (x.id === a.id ? a : x)));
  const pending = approvals.filter((a) => a.status === 'PENDING');
  const decided = approvals.filter((a) => a.status !== 'PENDING');

  if (intent === undefined) return error ? <p class="error">{error}</p> : <p class="muted">Loading…</p>;
  if (intent === null) return <p class="empty">Intent {p.id} does not exist.</p>;
  return (
    <section class="intent-page" data-intent={intent.id}>
      <header class="intent-head">
        <div>
          <h1 class="mono">{intent.type}</h1>
          <p class="muted mono small">{intent.id}</p>
        </div>
        <div class="actions">
          {canAct && CANCELLABLE.includes(intent.status) ? (
            <button type="button" class="danger" disabled={busy} onClick={() => act('cancel')}>
              Cancel
            </button>
          ) : null}
          {canAct && RETRYABLE.includes(intent.status) ? (
            <button type="button" class="primary" disabled={busy} onClick={() => act('retry')}>
              Retry
            </button>
          ) : null}
        </div>
      </header>
      {error ? <p class="error">{error}</p> : null}
      {pending.length ? (
        <div class="intent-approvals" data-approvals="pending">
          <h2>Waiting for a decision</h2>
          {pending.map((a) => (
            <ApprovalCard key={a.id} approval={a} compact onResolved={resolved} />
          ))}
        </div>
      ) : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd data-field="status">
          <StatusBadge status={intent.status} waitingFor={intent.waitingFor} />
        </dd>
        <dt>Attempts</dt>
        <dd>
          {intent.attempt} of {intent.maxAttempts}
        </dd>
        <dt>Lease holder</dt>
        <dd>{intent.lease ? `${intent.lease.agent ?? 'unnamed agent'} until ${relative(intent.lease.expiresAt)}` : '—'}</dd>
        {intent.worker ? (
          <>
            <dt>Worker</dt>
            <dd data-field="worker">
              <Link href={`${BASE}/workers`}>{intent.worker.name}</Link> on {intent.worker.host} ({intent.worker.status.toLowerCase()})
            </dd>
          </>
        ) : null}
        {intent.schedule ? (
          <>
            <dt>Schedule</dt>
            <dd data-field="schedule">
              <Link href={`${BASE}/schedules`}>{intent.schedule.name}</Link>
            </dd>
          </>
        ) : null}
        {intent.usage.calls > 0 || intent.familyUsage.calls > 0 ? (
          <>
            <dt>LLM cost</dt>
            <dd data-field="usage">
              {usd(intent.usage.costUsd)}
              {intent.usage.unpricedCalls ? <span class="muted"> + {intent.usage.unpricedCalls} unpriced</span> : null}
              <span class="muted"> · {intent.usage.inputTokens} in ({intent.usage.cachedTokens} cached) / {intent.usage.outputTokens} out tokens · {intent.usage.calls} {intent.usage.calls === 1 ? 'call' : 'calls'}</span>
              {intent.familyUsage.calls !== intent.usage.calls ? <span> · with children {usd(intent.familyUsage.costUsd)}</span> : null}
            </dd>
          </>
        ) : null}
        {intent.budgets.length ? (
          <>
            <dt>Budget</dt>
            <dd data-field="budget">
              <BudgetLines intentId={intent.id} budgets={intent.budgets} />
            </dd>
          </>
        ) : null}
        <dt>Deadline</dt>
        <dd title={intent.deadline ?? ''}>{intent.deadline ? relative(intent.deadline) : 'none'}</dd>
        <dt>Priority</dt>
        <dd>{intent.priority}</dd>
        <dt>Created</dt>
        <dd title={intent.createdAt}>{relative(intent.createdAt)}</dd>
        {intent.parentId ? (
          <>
            <dt>Parent</dt>
            <dd>
              <Link href={intentHref(intent.parentId)} class="mono">
                {intent.parentId}
              </Link>
            </dd>
          </>
        ) : null}
        {intent.forkedFromId ? (
          <>
            <dt>Forked from</dt>
            <dd data-field="forked-from">
              <Link href={intentHref(intent.forkedFromId)} class="mono">
                {intent.forkedFromId}
              </Link>
              {intent.forkedFromStep ? <span class="muted"> at step “{intent.forkedFromStep}”</span> : <span class="muted"> (every step replayed)</span>}
            </dd>
          </>
        ) : null}
        {forks.length ? (
          <>
            <dt>Forks</dt>
            <dd data-field="forks">
              {forks.map((f) => (
                <div key={f.id}>
                  <Link href={intentHref(f.id)} class="mono">
                    {f.id}
                  </Link>{' '}
                  <StatusBadge status={f.status} waitingFor={null} />
                  <span class="muted"> {f.forkedFromStep ? `from step “${f.forkedFromStep}”` : 'replay'} · {relative(f.createdAt)}</span>
                </div>
              ))}
            </dd>
          </>
        ) : null}
        {intent.labels.length ? (
          <>
            <dt>Labels</dt>
            <dd>{intent.labels.map((l) => <span key={l} class="label">{l}</span>)}</dd>
          </>
        ) : null}
      </dl>
      <div class="panels">
        <div>
          <h2>Data</h2>
          <JsonBlock label="input" value={intent.input} open />
          <JsonBlock label="output" value={intent.output} open />
          <JsonBlock label="progress" value={intent.progress} open />
          <JsonBlock label="checkpoint" value={intent.checkpoint} />
          <JsonBlock label="error" value={intent.error} open />
          <h2>Output streams</h2>
          <StreamsPanel id={intent.id} status={intent.status} />
          <h2>Attempts</h2>
          {intent.attempts.length ? (
            <ol class="attempts">
              {intent.attempts.map((a) => (
                <li key={a.number}>
                  #{a.number} {a.agent ?? 'unnamed agent'} · {relative(a.startedAt)}
                  {a.outcome ? ` · ${a.outcome.toLowerCase()}` : ' · running'}
                  {a.error ? <span class="error-text"> · {a.error.code ?? ''} {a.error.message}</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">Not claimed yet.</p>
          )}
          <h2 id="steps">Steps</h2>
          <StepTimeline events={events} attempts={intent.attempts.map((a) => a.number)} onFork={setForking} />
          {decided.length ? (
            <div data-approvals="decided">
              <h2>Approvals</h2>
              {decided.map((a) => (
                <ApprovalCard key={a.id} approval={a} compact onResolved={resolved} />
              ))}
            </div>
          ) : null}

          {forking ? <ForkDialog key={forking.seq} intentId={intent.id} step={forking} input={intent.input} onClose={() => setForking(null)} /> : null}
          <h2>Children</h2>
          {children ? <ChildrenTree level={children} /> : <p class="muted">Loading…</p>}
        </div>
        <div>
          <h2>Timeline</h2>
          <Timeline events={events} />
        </div>
      </div>
    </section>
  );
}
