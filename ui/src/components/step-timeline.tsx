import type { TimelineEventFragment } from '../generated/graphql.ts';

/** What a STEP_COMPLETED or STEP_FAILED event says of its step (never its output). */
interface StepEvent {
  seq: number;
  name: string;
  attempt: number;
  failed: boolean;
  durationMs: number;
  outputBytes: number;
  error: { message?: string; code?: string | null } | null;
  /** The step's model calls summed (recordStep usage); no costUsd when none was priced (the event's nulls are stripped). */
  usage: { calls: number; inputTokens: number; outputTokens: number; costUsd?: number | null } | null;
}

const duration = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const tokens = (n: number) => (n < 1000 ? `${n}` : n < 1_000_000 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1_000_000).toFixed(1)}M`);
export const usd = (n: number) => `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;
const usageText = (u: NonNullable<StepEvent['usage']>) =>
  ` · ${u.costUsd == null ? 'unpriced' : usd(u.costUsd)} · ${tokens(u.inputTokens)} in / ${tokens(u.outputTokens)} out tokens`;
const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

function stepEvents(events: TimelineEventFragment[]): StepEvent[] {
  return events
    .filter((e) => e.kind === 'STEP_COMPLETED' || e.kind === 'STEP_FAILED')
    .map((e) => {
      const d = (e.data ?? {}) as Partial<StepEvent> & { error?: StepEvent['error'] };
      return {
        seq: e.seq, name: d.name ?? '?', attempt: d.attempt ?? 0, failed: e.kind === 'STEP_FAILED',
        durationMs: d.durationMs ?? 0, outputBytes: d.outputBytes ?? 0, error: d.error ?? null, usage: d.usage ?? null,
      };
    });
}

/**
 * The steps of each attempt, from the event log: those that ran in it (with duration,
 * size, error), and before them those an earlier attempt recorded, which a re-run
 * returns from their records without running them again.
 */
export function StepTimeline(p: { events: TimelineEventFragment[]; attempts: number[]; onFork?: (step: { name: string; seq: number }) => void }) {
  const steps = stepEvents(p.events);
  if (steps.length === 0) return <p class="muted">No durable steps recorded.</p>;
  const numbers = [...new Set([...p.attempts, ...steps.map((s) => s.attempt)])].sort((a, b) => a - b);
  return (
    <div class="step-timeline">
      {numbers.map((n) => {
        const replayed = steps.filter((s) => s.attempt < n && !s.failed);
        const ran = steps.filter((s) => s.attempt === n);
        return (
          <section key={n} class="step-attempt" data-attempt={n}>
            <h3>{n === 0 ? 'Copied from the original (fork)' : `Attempt ${n}`}</h3>
            {replayed.length + ran.length === 0 ? <p class="muted">No steps.</p> : null}
            <ol class="steps">
              {replayed.map((s) => (
                <li key={`r${s.seq}`} class="step replayed" data-step={s.name} data-state="replayed">
                  <span class="step-name mono">{s.name}</span>
                  <span class="muted">replayed · recorded in attempt {s.attempt} · {size(s.outputBytes)}</span>
                </li>
              ))}
              {ran.map((s) => (
                <li key={s.seq} class={`step ${s.failed ? 'failed' : 'ran'}`} data-step={s.name} data-state={s.failed ? 'failed' : 'ran'}>
                  <span class="step-name mono">{s.name}</span>
                  <span class="step-bar" style={{ width: `${Math.max(2, Math.min(100, Math.log10(s.durationMs + 1) * 25))}%` }} />
                  <span>
                    {duration(s.durationMs)} · {s.failed ? 'failed' : size(s.outputBytes)}
                    {s.usage ? <span class="step-usage" data-field="step-usage">{usageText(s.usage)}</span> : null}
                  </span>
                  {s.error ? <span class="error-text"> {s.error.code ? `[${s.error.code}] ` : ''}{s.error.message}</span> : null}
                  {p.onFork ? (
                    <button type="button" class="link fork-here" title="A new intent that reuses the steps before this one and runs this one on again" onClick={() => p.onFork!({ name: s.name, seq: s.seq })}>
                      fork from here
                    </button>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
