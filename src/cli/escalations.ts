// `axme escalation <approvalId> retry|fork|fail`: decides a failure escalation (an axme.escalation
// approval) with flags instead of a hand-written --data, and says where a fork went.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Axme } from '@axme/client';
import { int, jsonArg } from './args.ts';
import { approvalDetails } from './format.ts';

const CHOICES = ['retry', 'fork', 'fail'];

/** What `--on-exhausted` and its companions add to a submit's retry policy (undefined: nothing set). */
export function exhaustedPolicy(o: { onExhausted?: string; escalateTo?: string[]; escalateTimeout?: number }) {
  if (o.onExhausted === undefined && o.escalateTo === undefined && o.escalateTimeout === undefined) return undefined;
  return {
    onExhausted: o.onExhausted?.toUpperCase() as 'FAIL' | 'ESCALATE' | undefined,
    escalateTo: o.escalateTo,
    escalateTimeoutSeconds: o.escalateTimeout,
  };
}

export const onExhaustedOption = () =>
  new Option('--on-exhausted <what>', 'when no retry is left: fail (FAILED) or escalate (wait for a human: axme escalation)').choices(['fail', 'escalate']);

export function escalationCommand(program: Command, client: () => Axme, print: (value: unknown, text: () => string) => void): void {
  program
    .command('escalation <approvalId> <decision>')
    .description('decide a failure escalation: retry (more attempts), fork (from a step, with an edited input), or fail')
    .option('--attempts <n>', 'retry: how many more attempts (default: as many as the first round)', int)
    .option('--from-step <name>', 'fork: run this step and every step after it again')
    .option('-i, --input <json>', 'fork: input replacing the original\'s', jsonArg)
    .option('--patch <json>', 'fork: JSON merge patch (RFC 7386) applied to the original\'s input', jsonArg)
    .option('-c, --comment <text>', 'a comment for the audit trail')
    .option('--by <name>', 'who decides, when no API key says so')
    .action(async (approvalId: string, decision: string, o) => {
      if (!CHOICES.includes(decision)) throw new InvalidArgumentError(`decision must be one of ${CHOICES.join(', ')}`);
      const data = { attempts: o.attempts, fromStep: o.fromStep, input: o.input, inputPatch: o.patch };
      const a = await client().resolveApproval({ approvalId, outcome: decision, comment: o.comment, resolvedBy: o.by, data: JSON.parse(JSON.stringify(data)) });
      const forkedTo = (a.result as { forkedTo?: string } | null)?.forkedTo;
      print(a, () => `${approvalDetails(a)}${forkedTo ? `\nfork ${forkedTo}: axme watch ${forkedTo}` : ''}`);
    });
}
