/** `axme usage` and the usage lines of `axme get`: LLM tokens and cost, as text. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Axme } from '@axme/client';
import { parseDurationSeconds } from '../core/duration.ts';
import type { UsageTotals } from '../core/usage.ts';

/** The totals the API answers (Intent.usage, the rollups). */
export type Totals = UsageTotals;

/** `$0.0123`: cents are too coarse for one call, micro-dollars too noisy. */
export function usd(n: number): string {
  return `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;
}

/** `12.3k`, `4.5M`: token counts at a glance. */
export function tokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** One line of totals; `unpriced` says how many calls the cost leaves out. */
export function totalsLine(t: Totals): string {
  if (t.calls === 0) return 'none reported';
  const cached = t.cachedTokens ? ` (${tokens(t.cachedTokens)} cached)` : '';
  const unpriced = t.unpricedCalls ? ` + ${t.unpricedCalls} unpriced call${t.unpricedCalls === 1 ? '' : 's'}` : '';
  return `${usd(t.costUsd)}${unpriced}  ${tokens(t.inputTokens)} in${cached} / ${tokens(t.outputTokens)} out  ${t.calls} call${t.calls === 1 ? '' : 's'}`;
}

/** The usage lines of `axme get`: own and, when children spent some, with them. */
export function intentUsageLines(u: { own: Totals; total: Totals }): string {
  const lines = [`  usage     ${totalsLine(u.own)}`];
  if (u.total.calls !== u.own.calls) lines.push(`  + children ${totalsLine(u.total)}`);
  return lines.join('\n');
}

type Bucket = Totals & { type?: string | null; model?: string | null; day?: string | null };

export function usageTable(rows: readonly Bucket[], by: readonly string[]): string {
  if (rows.length === 0 || rows.every((r) => r.calls === 0)) return 'no usage reported in that window';
  const keyOf = (r: Bucket) => by.map((b) => String(r[b as 'type'] ?? '')).join('  ');
  const width = Math.max(5, ...rows.map((r) => keyOf(r).length));
  const head = `${(by.join('/') || 'total').padEnd(width)}  ${'cost'.padStart(10)}  ${'input'.padStart(8)}  ${'cached'.padStart(8)}  ${'output'.padStart(8)}  ${'calls'.padStart(7)}  unpriced`;
  const line = (r: Bucket) =>
    `${(keyOf(r) || 'total').padEnd(width)}  ${usd(r.costUsd).padStart(10)}  ${tokens(r.inputTokens).padStart(8)}  ${tokens(r.cachedTokens).padStart(8)}  ${tokens(r.outputTokens).padStart(8)}  ${String(r.calls).padStart(7)}  ${r.unpricedCalls || ''}`;
  return [head, ...rows.map(line)].join('\n');
}

const GROUPS = ['type', 'model', 'day'];

/** `axme usage [--by type|model|day] [--type T] [--model M] [--since 7d]`. */
export function usageCommand(program: Command, client: () => Axme, print: (value: unknown, text: () => string) => void): void {
  program
    .command('usage')
    .description('LLM tokens and cost reported by steps, summed per type, model or day')
    .option('--by <group>', 'type, model or day (repeatable)', (v: string, all: string[] = []) => {
      if (!GROUPS.includes(v)) throw new InvalidArgumentError('expected type, model or day');
      return [...all, v];
    })
    .option('-t, --type <type>', 'only intents of this type')
    .option('-m, --model <model>', 'only calls of this model')
    .option('--since <duration>', 'window: 7d, 12h, 30m (at most 366d)', (v: string) => {
      const s = parseDurationSeconds(v);
      if (s === null || s <= 0) throw new InvalidArgumentError('expected a duration such as 7d, 12h or 30m');
      return s;
    }, 7 * 86_400)
    .action(async (o: { by?: string[]; type?: string; model?: string; since: number }) => {
      const by = o.by ?? [];
      const rows = await client().usage({
        filter: { type: o.type ?? null, model: o.model ?? null, from: new Date(Date.now() - o.since * 1000).toISOString() },
        groupBy: by.map((b) => b.toUpperCase() as 'TYPE' | 'MODEL' | 'DAY'),
      });
      print(rows, () => usageTable(rows, by));
    });
}
