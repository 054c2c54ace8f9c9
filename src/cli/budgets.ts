/** `axme budgets` (day budgets per type and namespace), the budget options of `axme submit`, and the budget lines of `axme get`. */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Axme } from '@axme/client';
import { tokens, usd } from './usage.ts';

export const number = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
};

const policy = (v: string): 'FAIL' | 'WAIT' => {
  const p = v.toUpperCase();
  if (p !== 'FAIL' && p !== 'WAIT') throw new InvalidArgumentError('expected wait or fail');
  return p;
};

/** The options `axme submit` takes for a budget. */
export function budgetOptions(cmd: Command): Command {
  return cmd
    .option('--budget-usd <usd>', 'stop once its LLM cost (with its children’s) passes this', number)
    .option('--budget-tokens <n>', 'stop once its tokens in + out (with its children’s) pass this', number)
    .addOption(new Option('--on-budget <policy>', 'when the budget is crossed: fail, or wait for a human to raise it').argParser(policy));
}

/** The submit input's budget from those options; none when no limit is given (the server refuses a policy alone). */
export function budgetInput(o: { budgetUsd?: number; budgetTokens?: number; onBudget?: 'FAIL' | 'WAIT' }) {
  if (o.budgetUsd === undefined && o.budgetTokens === undefined && o.onBudget === undefined) return undefined;
  return { maxUsd: o.budgetUsd ?? null, maxTokens: o.budgetTokens ?? null, onExceeded: o.onBudget ?? null };
}

interface Limits {
  maxUsd?: number | null;
  maxTokens?: number | null;
  spentUsd: number;
  spentTokens: number;
  onExceeded: string;
}

/** `$0.0420 of $0.0500, 3.2k of 10.0k tokens, on exceeded WAIT`. */
export function limitsLine(b: Limits): string {
  const parts: string[] = [];
  if (b.maxUsd != null) parts.push(`${usd(b.spentUsd)} of ${usd(b.maxUsd)}`);
  if (b.maxTokens != null) parts.push(`${tokens(b.spentTokens)} of ${tokens(b.maxTokens)} tokens`);
  return `${parts.join(', ')}  (${b.onExceeded.toLowerCase()} when exceeded)`;
}

type IntentBudget = Limits & { scope: string; intentId?: string | null; type?: string | null; day?: string | null; exceeded: boolean };

/** The budget lines of `axme get`: each budget its usage counts against, nearest first. */
export function intentBudgetLines(id: string, budgets: readonly IntentBudget[]): string {
  return budgets.map((b) => {
    const which = b.scope === 'INTENT' ? (b.intentId === id ? 'own' : `inherited from ${b.intentId}`)
      : b.scope === 'TYPE' ? `type ${b.type}, ${b.day}` : `namespace, ${b.day}`;
    return `  budget    ${limitsLine(b)}  [${which}]${b.exceeded ? '  EXCEEDED' : ''}`;
  }).join('\n');
}

/** `axme budgets` lists the day budgets; `axme budgets set [--type T] --usd/--tokens/--on-exceeded` replaces one. */
export function budgetsCommand(program: Command, client: () => Axme, print: (value: unknown, text: () => string) => void): void {
  const cmd = program.command('budgets').description('LLM budgets per type and per namespace per UTC day, with today’s spending');
  cmd.action(async () => {
    const rows = await client().budgets();
    print(rows, () => (rows.length === 0 ? 'no day budgets' : rows.map((b) => `${(b.type ?? '(namespace)').padEnd(24)}  ${limitsLine(b)}`).join('\n')));
  });
  cmd
    .command('set')
    .description('replace the day budget of a type (or, without --type, of the namespace); no limit removes it (admin)')
    .option('-t, --type <type>', 'the intent type (default: the whole namespace)')
    .option('--usd <usd>', 'USD per UTC day', number)
    .option('--tokens <n>', 'tokens in + out per UTC day', number)
    .addOption(new Option('--on-exceeded <policy>', 'fail, or wait for a human to raise it (default fail)').argParser(policy))
    .action(async (o: { type?: string; usd?: number; tokens?: number; onExceeded?: 'FAIL' | 'WAIT' }) => {
      const b = await client().setBudget({ type: o.type ?? null, maxUsd: o.usd ?? null, maxTokens: o.tokens ?? null, onExceeded: o.onExceeded ?? null });
      print(b, () => (b ? `${(b.type ?? '(namespace)').padEnd(24)}  ${limitsLine(b)}` : 'removed'));
    });
  // the answers to an axme.budget approval (an intent waiting because its WAIT budget was crossed)
  cmd
    .command('raise <approvalId>')
    .description('raise the crossed budget an axme.budget approval asks about; the intent resumes from its recorded steps')
    .option('--usd <usd>', 'the new USD limit', number)
    .option('--tokens <n>', 'the new token limit', number)
    .option('-c, --comment <text>', 'a comment for the audit trail')
    .action(async (approvalId: string, o: { usd?: number; tokens?: number; comment?: string }) => {
      const data = { ...(o.usd === undefined ? {} : { maxUsd: o.usd }), ...(o.tokens === undefined ? {} : { maxTokens: o.tokens }) };
      const a = await client().resolveApproval({ approvalId, outcome: 'raise', comment: o.comment, data });
      print(a, () => `raised: ${JSON.stringify(data)}; intent ${a.intentId} resumes`);
    });
  cmd
    .command('stop <approvalId>')
    .description('answer an axme.budget approval with stop: the intent fails with BUDGET_EXCEEDED')
    .option('-c, --comment <text>', 'a comment for the audit trail')
    .action(async (approvalId: string, o: { comment?: string }) => {
      const a = await client().resolveApproval({ approvalId, outcome: 'stop', comment: o.comment });
      print(a, () => `stopped: intent ${a.intentId} fails with BUDGET_EXCEEDED`);
    });
}
