// `axme submit --on-exhausted escalate`, the escalation in `axme approvals` (the attempts and the
// last error), and `axme escalation <id> fork` naming the fork, over a listening server and a real worker.
import { expect, it } from 'vitest';
import { createClient } from '@axme/client';
import type { RunningServer } from '../src/server.ts';
import { cliAt } from './helpers/cli.ts';
import { useServed } from './helpers/served.ts';

let server: RunningServer;
useServed({ AXME_CLAIM_POLL_MS: '50' }, (s) => ({ server } = s));
const axme = cliAt(() => server.url);

it('submit --on-exhausted escalate; approvals shows the last error; escalation fork names the fork, which completes', async () => {
  const c = createClient({ url: server.url });
  const type = 'cli.escalate';
  const worker = c.worker({ types: [type], waitSeconds: 1, onError: () => {}, onHandlerError: () => {} }, async (run) => {
    const a = await run.step('draft', () => 'draft');
    return run.step('polish', () => {
      const { tone } = run.input as { tone: string };
      if (tone === 'bad') throw new Error('tone "bad" is not a tone');
      return `${a} in ${tone}`;
    });
  });
  try {
    const sub = await axme('--json', 'submit', type, '--input', '{"tone":"bad"}', '--max-attempts', '1', '--on-exhausted', 'escalate', '--escalate-timeout', '3600');
    expect(sub.code).toBe(0);
    const intent = JSON.parse(sub.stdout);
    let inbox: { id: string; intentId: string }[] = [];
    for (let i = 0; i < 200 && inbox.length === 0; i++) {
      inbox = JSON.parse((await axme('--json', 'approvals', '--type', 'axme.escalation')).stdout).nodes.filter((a: { intentId: string }) => a.intentId === intent.id);
      if (!inbox.length) await new Promise((r) => setTimeout(r, 100));
    }
    const text = (await axme('approvals', '--type', 'axme.escalation')).stdout;
    expect(text).toContain('[retry/fork/fail]');
    expect(text).toContain('Attempt 1');
    expect(text).toContain('tone "bad" is not a tone');

    const bad = await axme('escalation', inbox[0]!.id, 'fork', '--from-step', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('BAD_USER_INPUT');
    const decided = await axme('escalation', inbox[0]!.id, 'fork', '--from-step', 'polish', '--patch', '{"tone":"verse"}');
    expect(decided.code).toBe(0);
    const forkedTo = /fork (\S+): axme watch/.exec(decided.stdout)?.[1];
    expect(decided.stdout).toContain('RESOLVED → fork');
    expect((await c.result(forkedTo!, { signal: AbortSignal.timeout(20_000) })).output).toBe('draft in verse');
    expect((await c.get(intent.id))!.status).toBe('FAILED');
  } finally {
    await worker.stop();
  }
}, 60_000);
