// Human-readable output for the CLI; `--json` bypasses all of this.
import type { Approval, Intent, IntentEvent } from '@axme/client';

const COLORS: Record<string, string> = {
  PENDING: '\x1b[33m', RUNNING: '\x1b[36m', WAITING: '\x1b[35m', COMPLETED: '\x1b[32m', FAILED: '\x1b[31m', CANCELLED: '\x1b[90m',
};
const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;

export const status = (s: string): string => (useColor() ? `${COLORS[s] ?? ''}${s}\x1b[0m` : s);

const json = (v: unknown) => JSON.stringify(v, null, 2).replaceAll('\n', '\n    ');

export function intentDetails(i: Intent): string {
  const lines = [
    `${i.id}  ${status(i.status)}${i.waitingFor ? ` (waiting for ${i.waitingFor})` : ''}`,
    `  type      ${i.type}`,
    `  attempt   ${i.attempt} of ${i.maxAttempts}   priority ${i.priority}`,
    `  created   ${i.createdAt}   updated ${i.updatedAt}${i.finishedAt ? `   finished ${i.finishedAt}` : ''}`,
  ];
  if (i.lease) lines.push(`  lease     ${i.lease.agent ?? '?'} until ${i.lease.expiresAt}`);
  if (i.labels.length) lines.push(`  labels    ${i.labels.join(', ')}`);
  if (i.parentId) lines.push(`  parent    ${i.parentId}`);
  if (i.forkedFromId) lines.push(`  forked    from ${i.forkedFromId}${i.forkedFromStep ? ` at step "${i.forkedFromStep}" (seq ${i.forkedFromSeq})` : ' (every step replayed)'}`);
  lines.push(`  input     ${json(i.input)}`);
  if (i.checkpoint != null) lines.push(`  checkpoint ${json(i.checkpoint)}`);
  if (i.output != null) lines.push(`  output    ${json(i.output)}`);
  if (i.error) lines.push(`  error     ${i.error.code ? `[${i.error.code}] ` : ''}${i.error.message}`);
  return lines.join('\n');
}

export function intentRow(i: Intent): string {
  return `${i.id}  ${status(i.status.padEnd(9))}  ${i.type.padEnd(24)}  attempt ${i.attempt}/${i.maxAttempts}  ${i.createdAt}`;
}

/** 1.2 s, 340 ms */
export const duration = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

/** 14 B, 195.3 KiB, 1.2 MiB */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

interface StepEventData {
  name?: string;
  attempt?: number;
  durationMs?: number;
  outputBytes?: number;
  error?: { message?: string; code?: string | null };
  /** The step's model calls summed (store/steps.ts usageSummary); no costUsd when none was priced (the event's nulls are stripped). */
  usage?: { calls: number; inputTokens: number; outputTokens: number; costUsd?: number | null };
}

/** A step's event by name, duration, size and LLM usage (its output is not in the log). */
function stepSummary(d: StepEventData): string {
  const error = d.error ? `  error: ${d.error.code ? `[${d.error.code}] ` : ''}${d.error.message ?? ''}` : '';
  const u = d.usage;
  const usage = u ? stepUsage({ ...u, costUsd: u.costUsd ?? 0, unpricedCalls: u.costUsd == null ? u.calls : 0 }) : '';
  return `  "${d.name ?? '?'}"  ${duration(d.durationMs ?? 0)}  ${bytes(d.outputBytes ?? 0)}  attempt ${d.attempt ?? '?'}${usage}${error}`;
}

export function eventLine(e: IntentEvent): string {
  const isStep = e.kind === 'STEP_COMPLETED' || e.kind === 'STEP_FAILED';
  const data = e.data == null ? '' : isStep ? stepSummary(e.data as StepEventData) : `  ${JSON.stringify(e.data)}`;
  return `#${String(e.seq).padStart(3)}  ${e.at}  ${e.kind.padEnd(16)} → ${status(e.status)}${e.actor ? `  by ${e.actor}` : ''}${data}`;
}

export interface StepRow {
  name: string;
  attempt: number;
  status: string;
  durationMs: number;
  outputBytes: number;
  error?: { message: string; code?: string | null } | null;
  usageTotals?: { calls: number; inputTokens: number; outputTokens: number; costUsd: number; unpricedCalls: number } | null;
}

// a step's LLM usage in its row: cost (or `?` when unpriced) and tokens in/out
function stepUsage(u: StepRow['usageTotals']): string {
  if (!u || u.calls === 0) return '';
  const cost = u.unpricedCalls === u.calls ? '?' : `$${u.costUsd < 1 ? u.costUsd.toFixed(4) : u.costUsd.toFixed(2)}${u.unpricedCalls ? '+?' : ''}`;
  const k = (n: number) => (n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1_000_000).toFixed(1)}M`);
  return `  ${cost} ${k(u.inputTokens)}→${k(u.outputTokens)} tok`;
}

/** The steps table of `axme get`: one line per record, in the order written. */
export function stepsTable(steps: readonly StepRow[]): string {
  if (steps.length === 0) return '  steps     none recorded';
  const width = Math.min(40, Math.max(4, ...steps.map((s) => s.name.length)));
  const head = `  steps     ${'name'.padEnd(width)}  attempt  ${'status'.padEnd(9)}  ${'duration'.padStart(8)}  ${'size'.padStart(10)}`;
  const rows = steps.map((s) => {
    const error = s.error ? `  ${s.error.code ? `[${s.error.code}] ` : ''}${s.error.message}` : '';
    return `            ${s.name.slice(0, width).padEnd(width)}  ${String(s.attempt).padStart(7)}  ${status(s.status.padEnd(9))}  ${duration(s.durationMs).padStart(8)}  ${bytes(s.outputBytes).padStart(10)}${stepUsage(s.usageTotals)}${error}`;
  });
  return [head, ...rows].join('\n');
}

export function approvalRow(a: Approval): string {
  const row = `${a.id}  ${a.status.padEnd(9)}  ${a.title.slice(0, 50).padEnd(50)}  [${a.options.join('/')}]  intent ${a.intentId}  ${a.createdAt}`;
  // a failure escalation: the attempts and the last error are what the human decides on
  return a.type === 'axme.escalation' && a.description ? `${row}\n    ${a.description.slice(0, 300)}` : row;
}

export function approvalDetails(a: Approval): string {
  const lines = [`${a.id}  ${a.status}${a.outcome ? ` → ${a.outcome}` : ''}`, `  title     ${a.title}`, `  intent    ${a.intentId}`, `  options   ${a.options.join(', ')}`];
  if (a.description) lines.push(`  details   ${a.description.replaceAll('\n', '\n            ')}`);
  if (a.assignees.length) lines.push(`  assignees ${a.assignees.join(', ')}`);
  if (a.resolvedBy) lines.push(`  by        ${a.resolvedBy} at ${a.resolvedAt}`);
  if (a.comment) lines.push(`  comment   ${a.comment}`);
  if (a.data != null) lines.push(`  data      ${json(a.data)}`);
  if (a.result != null) lines.push(`  result    ${json(a.result)}`);
  return lines.join('\n');
}
