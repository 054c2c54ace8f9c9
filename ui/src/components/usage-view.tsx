/**
 * The Usage view: what the namespace's LLM calls cost over time. A bar per UTC day
 * (days without calls included, so gaps show), then the same window per model and per
 * type; clicking a type narrows everything to it. It reloads when a step is recorded,
 * since only a step's record carries usage.
 */
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { request } from '../api/http.ts';
import { live } from '../api/live.ts';
import { useStore } from '../api/store.ts';
import { debounce } from '../format.ts';
import { UsageOverviewDocument, type UsageOverviewQuery, UsageStepEventsDocument, type UsageRowFragment } from '../generated/graphql.ts';
import { usd } from './step-timeline.tsx';

const WINDOWS = [7, 30, 90] as const;
const DAY_MS = 86_400_000;

/** The UTC days of the window, oldest first, as YYYY-MM-DD. */
export function windowDays(days: number, now = Date.now()): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

const tokens = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(n));

export function UsageView() {
  const { epoch } = useStore(auth);
  const [days, setDays] = useState<number>(30);
  const [type, setType] = useState<string | null>(null);
  const [data, setData] = useState<UsageOverviewQuery | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const from = new Date(Date.parse(windowDays(days)[0]!)).toISOString();
    const load = () =>
      request(UsageOverviewDocument, { filter: { from, ...(type ? { type } : {}) } })
        .then((d) => {
          if (!alive) return;
          setData(d);
          setError(null);
        })
        .catch((e: Error) => alive && setError(e.message));
    const reload = debounce(load, 300);
    setData(null);
    const stop = live(UsageStepEventsDocument, (after) => ({ after }), { cursor: (d) => d.intentEvents.cursor, onData: reload, onRestart: reload });
    void load();
    return () => {
      alive = false;
      stop();
      reload.cancel();
    };
  }, [epoch, days, type]);

  const total = data?.byDay.reduce((s, d) => ({ cost: s.cost + d.costUsd, calls: s.calls + d.calls, unpriced: s.unpriced + d.unpricedCalls }), { cost: 0, calls: 0, unpriced: 0 });
  return (
    <section class="usage">
      <h1>Usage{type ? <span class="muted"> · {type}</span> : null}</h1>
      <div class="tabs" role="tablist">
        {WINDOWS.map((w) => (
          <button key={w} type="button" role="tab" aria-selected={w === days} class={w === days ? 'selected' : ''} onClick={() => setDays(w)}>
            {w} days
          </button>
        ))}
        {type ? (
          <button type="button" onClick={() => setType(null)}>
            All types
          </button>
        ) : null}
      </div>
      {error ? <p class="error">{error}</p> : null}
      {!data || !total ? (
        <p class="muted">Loading…</p>
      ) : total.calls === 0 ? (
        <p class="empty">No LLM usage in the last {days} days. Steps report it with the SDKs’ usage option.</p>
      ) : (
        <>
          <p data-field="usage-total">
            <strong>{usd(total.cost)}</strong> over {total.calls} call{total.calls === 1 ? '' : 's'} in {days} days
            {total.unpriced ? <span class="muted"> · {total.unpriced} unpriced</span> : null}
          </p>
          <DayChart rows={data.byDay} days={windowDays(days)} />
          <div class="usage-tables">
            <UsageTable title="By model" rows={data.byModel} name={(r) => r.model ?? '—'} />
            <UsageTable title="By type" rows={data.byType} name={(r) => r.type ?? '—'} onPick={type ? undefined : (r) => setType(r.type)} />
          </div>
        </>
      )}
    </section>
  );
}

function DayChart(p: { rows: UsageRowFragment[]; days: string[] }) {
  const byDay = new Map(p.rows.map((r) => [r.day, r]));
  const max = Math.max(...p.rows.map((r) => r.costUsd), 1e-9);
  return (
    <figure class="usage-figure">
      <div class="usage-chart" role="img" aria-label="cost per day">
        {p.days.map((day) => {
          const r = byDay.get(day);
          const cost = r?.costUsd ?? 0;
          const label = `${day}: ${usd(cost)}${r ? ` · ${r.calls} calls · ${tokens(r.inputTokens)} in / ${tokens(r.outputTokens)} out` : ''}`;
          return (
            <div key={day} class="usage-bar" data-day={day} data-cost={cost} title={label}>
              <div style={{ height: `${cost > 0 ? Math.max(2, (cost / max) * 100) : 0}%` }} />
            </div>
          );
        })}
      </div>
      <figcaption class="usage-axis muted">
        <span>{p.days[0]}</span>
        <span>highest day {usd(max)}</span>
        <span>{p.days.at(-1)} (UTC)</span>
      </figcaption>
    </figure>
  );
}

function UsageTable(p: { title: string; rows: UsageRowFragment[]; name: (r: UsageRowFragment) => string; onPick?: (r: UsageRowFragment) => void }) {
  const rows = [...p.rows].sort((a, b) => b.costUsd - a.costUsd);
  return (
    <table class="intents usage-table" data-table={p.title}>
      <thead>
        <tr>
          <th>{p.title}</th>
          <th>Cost</th>
          <th>Calls</th>
          <th>Tokens in / out</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={p.name(r)} data-row={p.name(r)}>
            <td>{p.onPick ? <a href="#" onClick={(e) => (e.preventDefault(), p.onPick!(r))}>{p.name(r)}</a> : p.name(r)}</td>
            <td>{usd(r.costUsd)}{r.unpricedCalls ? <span class="muted"> +{r.unpricedCalls} unpriced</span> : null}</td>
            <td>{r.calls}</td>
            <td>{tokens(r.inputTokens)} / {tokens(r.outputTokens)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
