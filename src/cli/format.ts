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
  lines.push(`  input     ${json(i.input)}`);
  if (i.checkpoint != null) lines.push(`  checkpoint ${json(i.checkpoint)}`);
  if (i.output != null) lines.push(`  output    ${json(i.output)}`);
  if (i.error) lines.push(`  error     ${i.error.code ? `[${i.error.code}] ` : ''}${i.error.message}`);
  return lines.join('\n');
}

export function intentRow(i: Intent): string {
  return `${i.id}  ${status(i.status.padEnd(9))}  ${i.type.padEnd(24)}  attempt ${i.attempt}/${i.maxAttempts}  ${i.createdAt}`;
}

export function eventLine(e: IntentEvent): string {
  const data = e.data == null ? '' : `  ${JSON.stringify(e.data)}`;
  return `#${String(e.seq).padStart(3)}  ${e.at}  ${e.kind.padEnd(16)} → ${status(e.status)}${e.actor ? `  by ${e.actor}` : ''}${data}`;
}

export function approvalRow(a: Approval): string {
  return `${a.id}  ${a.status.padEnd(9)}  ${a.title.slice(0, 50).padEnd(50)}  [${a.options.join('/')}]  intent ${a.intentId}  ${a.createdAt}`;
}

export function approvalDetails(a: Approval): string {
  const lines = [`${a.id}  ${a.status}${a.outcome ? ` → ${a.outcome}` : ''}`, `  title     ${a.title}`, `  intent    ${a.intentId}`, `  options   ${a.options.join(', ')}`];
  if (a.description) lines.push(`  details   ${a.description.replaceAll('\n', '\n            ')}`);
  if (a.assignees.length) lines.push(`  assignees ${a.assignees.join(', ')}`);
  if (a.resolvedBy) lines.push(`  by        ${a.resolvedBy} at ${a.resolvedAt}`);
  if (a.comment) lines.push(`  comment   ${a.comment}`);
  if (a.data != null) lines.push(`  data      ${json(a.data)}`);
  return lines.join('\n');
}
