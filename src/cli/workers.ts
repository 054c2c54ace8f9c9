// `axme workers`: the namespace's worker sessions as a table (or --json).
import type { Command } from 'commander';
import type { Axme, WorkerInfo } from '@axme/client';

const ago = (iso: string, now: number): string => {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

const COLORS: Record<string, string> = { CONNECTED: '\x1b[32m', STOPPED: '\x1b[90m', LOST: '\x1b[31m' };
const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;

const COLUMNS = ['ID', 'NAME', 'STATUS', 'IN FLIGHT', 'LAST SEEN', 'HOST', 'SDK', 'TYPES'];

/** One row per session: id, name, status (and why it ended), in-flight / concurrency, last seen, host, SDK, types. */
export function workersTable(workers: readonly WorkerInfo[], now = Date.now()): string {
  if (workers.length === 0) return 'no workers';
  const rows = workers.map((w) => [
    w.id, w.name, `${w.status}${w.endReason && w.endReason !== w.status ? ` (${w.endReason})` : ''}`, `${w.inFlightCount}/${w.concurrency}`,
    ago(w.lastSeenAt, now), w.host ?? '', [w.sdk, w.sdkVersion].filter(Boolean).join(' '), w.types.join(','),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[], colour = false) => r.map((v, i) => {
    const padded = v.padEnd(widths[i]!);
    return colour && i === 2 && useColor() ? `${COLORS[v.split(' ')[0]!] ?? ''}${padded}\x1b[0m` : padded;
  }).join('  ').trimEnd();
  return [line(COLUMNS), ...rows.map((r) => line(r, true))].join('\n');
}

export function workersCommand(program: Command, client: () => Axme, print: (value: unknown, text: () => string) => void): void {
  program
    .command('workers')
    .description('worker sessions: connected first, then recently seen (ended sessions are kept a day)')
    .option('-s, --status <status>', 'CONNECTED, STOPPED or LOST (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('-t, --type <type>', 'workers handling this intent type (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .action(async (o: { status?: string[]; type?: string[] }) => {
      const workers = await client().workers({
        ...(o.status ? { status: o.status.map((s) => s.toUpperCase()) as never } : {}),
        ...(o.type ? { type: o.type } : {}),
      });
      print(workers, () => workersTable(workers));
    });
}
