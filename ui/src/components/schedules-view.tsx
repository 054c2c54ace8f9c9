/**
 * The Schedules view: every schedule with its next and last fire, a form to create
 * one, and pause, resume, fire-now and delete. Schedules change on the server's clock,
 * not through events, so the list reloads every few seconds and after each action.
 */
import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { request } from '../api/http.ts';
import { useStore } from '../api/store.ts';
import { relative } from '../format.ts';
import {
  CreateScheduleFormDocument, DeleteScheduleRowDocument, PauseScheduleRowDocument, ResumeScheduleRowDocument, ScheduleListDocument,
  type ScheduleCatchUpPolicy, type ScheduleOverlapPolicy, type ScheduleRowFragment, TriggerScheduleRowDocument,
} from '../generated/graphql.ts';
import { Link, intentHref } from '../router.tsx';
import { StatusBadge } from './status-badge.tsx';

const RELOAD_MS = 5_000;

const when = (s: ScheduleRowFragment) => (s.cron ? `${s.cron} (${s.timezone})` : `every ${s.intervalSeconds}s`);

export function SchedulesView() {
  const { epoch } = useStore(auth);
  const [items, setItems] = useState<ScheduleRowFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);

  useEffect(() => {
    let alive = true;
    request(ScheduleListDocument, { first: 200 })
      .then((d) => alive && (setItems(d.schedules.nodes), setError(null)))
      .catch((e: Error) => alive && setError(e.message));
    const t = setTimeout(reload, RELOAD_MS);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [epoch, tick]);

  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
    reload();
  };

  return (
    <section>
      <h1>Schedules</h1>
      <CreateScheduleForm onCreated={reload} />
      {error ? <p class="error" role="alert">{error}</p> : null}
      {!items ? <p class="muted">Loading…</p> : items.length === 0 ? <p class="empty">No schedules yet.</p> : (
        <table class="intents schedules">
          <thead>
            <tr><th>Name</th><th>When</th><th>Submits</th><th>Next fire</th><th>Last fire</th><th>Fires</th><th /></tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-schedule={s.name}>
                <td data-label="Name">
                  <strong>{s.name}</strong>
                  {s.paused ? <span class="badge badge-paused" title={s.pausedReason ?? ''}>PAUSED</span> : null}
                  <div class="muted small">overlap {s.overlap.toLowerCase()} · catch-up {s.catchUp.toLowerCase()}{s.jitterSeconds ? ` · jitter ${s.jitterSeconds}s` : ''}</div>
                </td>
                <td class="mono small" data-label="When">{when(s)}</td>
                <td class="mono small" data-label="Submits">{s.intent.type}</td>
                <td class="next-fire" data-label="Next fire" title={s.nextFireAt ?? ''}>{s.paused ? '—' : s.nextFireAt ? relative(s.nextFireAt) : 'ended'}</td>
                <td class="last-fire" data-label="Last fire" title={s.lastFireAt ?? ''}>
                  {relative(s.lastFireAt)}
                  {s.lastIntent ? <div><Link href={intentHref(s.lastIntent.id)}><StatusBadge status={s.lastIntent.status} /></Link></div> : null}
                </td>
                <td data-label="Fires">{s.fireCount}{s.skipCount ? <span class="muted small"> ({s.skipCount} skipped)</span> : null}</td>
                <td><div class="actions">
                  {s.paused
                    ? <button type="button" onClick={() => act(() => request(ResumeScheduleRowDocument, { id: s.id }))}>Resume</button>
                    : <button type="button" onClick={() => act(() => request(PauseScheduleRowDocument, { id: s.id }))}>Pause</button>}
                  <button type="button" onClick={() => act(() => request(TriggerScheduleRowDocument, { id: s.id }))}>Fire now</button>
                  <button type="button" class="danger" onClick={() => confirm(`Delete schedule ${s.name}? Its intents stay.`) && act(() => request(DeleteScheduleRowDocument, { id: s.id }))}>Delete</button>
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function CreateScheduleForm(p: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<'cron' | 'interval'>('cron');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) return <p><button type="button" onClick={() => setOpen(true)}>New schedule</button></p>;

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    let input: unknown = {};
    try {
      input = text('input') ? JSON.parse(text('input')) : {};
    } catch {
      setError('Input must be JSON.');
      return;
    }
    const endAt = text('endAt');
    setBusy(true);
    try {
      await request(CreateScheduleFormDocument, {
        input: {
          name: text('name'),
          ...(mode === 'cron' ? { cron: text('cron'), timezone: text('timezone') || 'UTC' } : { intervalSeconds: Number(text('every')) }),
          intent: { type: text('type'), input },
          overlap: text('overlap') as ScheduleOverlapPolicy,
          catchUp: text('catchUp') as ScheduleCatchUpPolicy,
          jitterSeconds: Number(text('jitter') || 0),
          ...(endAt ? { endAt: new Date(endAt).toISOString() } : {}),
        },
      });
      setError(null);
      setOpen(false);
      p.onCreated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card schedule-form" onSubmit={submit} aria-label="New schedule">
      <label>Name <input name="name" required placeholder="nightly-report" /></label>
      <label>Intent type <input name="type" required placeholder="report.nightly.v1" /></label>
      <label>Repeat
        <select name="mode" value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as 'cron' | 'interval')}>
          <option value="cron">Cron expression</option>
          <option value="interval">Fixed interval</option>
        </select>
      </label>
      {mode === 'cron' ? (
        <>
          <label>Cron <input name="cron" required placeholder="0 9 * * MON-FRI" class="mono" /></label>
          <label>Time zone <input name="timezone" defaultValue={localZone()} /></label>
        </>
      ) : (
        <label>Every (seconds) <input name="every" type="number" min={1} required /></label>
      )}
      <label>Overlap
        <select name="overlap">
          <option value="SKIP">Skip while running</option>
          <option value="BUFFER_ONE">Buffer one</option>
          <option value="ALLOW">Allow</option>
        </select>
      </label>
      <label>After downtime
        <select name="catchUp">
          <option value="ONE">Fire once</option>
          <option value="SKIP">Skip missed</option>
          <option value="ALL">Fire all (≤100)</option>
        </select>
      </label>
      <label>Jitter (seconds) <input name="jitter" type="number" min={0} defaultValue="0" /></label>
      <label>End date <input name="endAt" type="datetime-local" /></label>
      <label class="wide">Input (JSON) <textarea name="input" rows={3} class="mono" placeholder="{}" /></label>
      {error ? <p class="error wide" role="alert">{error}</p> : null}
      <div class="actions wide">
        <button type="submit" disabled={busy}>Create</button>
        <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
