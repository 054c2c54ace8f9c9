// Human-readable output for the CLI; `--json` bypasses all of this.
import type { Intent, IntentEvent } from '../client/index.ts';

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
