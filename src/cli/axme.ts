#!/usr/bin/env node
/**
 * The `axme` command line: run the server, and drive intents from a terminal or a
 * script (`--json` prints machine-readable output). Talks to the server only
 * through the public GraphQL API, with the typed client.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { collect, int, jsonArg } from './args.ts';
import { AxmeClientError, createClient } from '@axme/client';
import { approvalDetails, approvalRow, eventLine, intentDetails, intentRow, stepsTable } from './format.ts';
import { watchIntent } from './watch.ts';
import { printStream } from './stream.ts';
import { keysCommand } from './keys.ts';
import { workersCommand } from './workers.ts';
import { schedulesCommand } from './schedules.ts';
import { intentUsageLines, usageCommand } from './usage.ts';
import { budgetInput, budgetOptions, budgetsCommand, intentBudgetLines } from './budgets.ts';
import { escalationCommand, exhaustedPolicy, onExhaustedOption } from './escalations.ts';

const program = new Command('axme')
  .description('Durable state for AI-agent work.')
  .addOption(new Option('--url <url>', 'GraphQL endpoint').env('AXME_URL').default('http://localhost:4000/graphql'))
  .addOption(new Option('--api-key <key>', 'API key').env('AXME_API_KEY'))
  .option('--json', 'print JSON instead of text');

const client = () => {
  const o = program.opts<{ url: string; apiKey?: string }>();
  return createClient({ url: o.url, ...(o.apiKey ? { apiKey: o.apiKey } : {}) });
};
const asJson = () => program.opts<{ json?: boolean }>().json === true;
const print = (value: unknown, text: () => string) => console.log(asJson() ? JSON.stringify(value, null, 2) : text());


program
  .command('dev')
  .description('a development server: embedded database in ./.axme/data (or memory), GraphiQL and the dashboard')
  .option('-p, --port <port>', 'HTTP port (0: any free port)', process.env.PORT ?? '4000')
  .option('--host <host>', 'interface to bind', process.env.HOST ?? '127.0.0.1')
  .option('--data-dir <dir>', 'the embedded database\'s folder', process.env.AXME_DATA_DIR ?? './.axme/data')
  .option('--memory', 'keep nothing: the database lives in memory')
  .action(async (o) => {
    await (await import('./dev.ts')).dev(o);
  });

program
  .command('mcp')
  .description('MCP over stdio for desktop clients (Claude Desktop and the like), bridged to the server\'s /mcp with the API key')
  .option('--mcp-url <url>', 'the MCP endpoint (default: --url with /graphql replaced by /mcp)')
  .action(async (o: { mcpUrl?: string }) => {
    const g = program.opts<{ url: string; apiKey?: string }>();
    const mcpUrl = o.mcpUrl ?? new URL('/mcp', g.url).href;
    await (await import('./mcp.ts')).mcpBridge({ mcpUrl, apiKey: g.apiKey });
  });

program
  .command('serve')
  .description('run the server as configured by the environment (same as npm start)')
  .option('-p, --port <port>', 'HTTP port (default: PORT, else 4000)')
  .action(async (o: { port?: string }) => {
    if (o.port !== undefined) process.env.PORT = o.port;
    await import('../main.ts');
  });

program.command('migrate').description('apply database migrations and exit').action(async () => {
  await import('./migrate.ts');
});

budgetOptions(program
  .command('submit <type>')
  .description('submit an intent')
  .option('-i, --input <json>', 'input as JSON', jsonArg)
  .option('--input-file <path>', 'input from a JSON file (- for stdin)')
  .option('-k, --key <idempotencyKey>', 'idempotency key')
  .option('-p, --priority <n>', 'priority 0-1000', int)
  .option('--max-attempts <n>', 'attempts before FAILED', int)
  .option('--run-at <time>', 'not before this ISO time')
  .option('--parent <id>', 'parent intent id')
  .option('-l, --label <label>', 'label (repeatable)', collect)
  .addOption(onExhaustedOption())
  .option('--escalate-to <name>', 'who decides an escalation (repeatable)', collect)
  .option('--escalate-timeout <seconds>', 'an undecided escalation ends FAILED after this', int)
  .option('-w, --wait', 'wait until it is COMPLETED, FAILED or CANCELLED and show it then (exit 1 unless COMPLETED)'))
  .action(async (type: string, o) => {
    const input = o.inputFile ? JSON.parse(readFileSync(o.inputFile === '-' ? 0 : o.inputFile, 'utf8')) : o.input;
    const c = client();
    const submission = {
      type,
      input,
      idempotencyKey: o.key,
      priority: o.priority,
      maxAttempts: o.maxAttempts,
      runAt: o.runAt,
      parentId: o.parent,
      labels: o.label,
      budget: budgetInput(o),
      retry: exhaustedPolicy(o),
    };
    const intent = o.wait ? await c.execute(submission) : await c.submit(submission);
    print(intent, () => intentDetails(intent));
    if (o.wait) await c.close();
    if (o.wait && intent.status !== 'COMPLETED') process.exitCode = 1;
  });

program.command('get <id>').description('show an intent').action(async (id: string) => {
  const c = client();
  const [intent, steps, usage, budgets] = await Promise.all([c.get(id), c.steps(id), c.intentUsage(id), c.intentBudgets(id)]);
  if (!intent) fail(`intent ${id} not found`, 'NOT_FOUND');
  const usageLines = usage ? `\n${intentUsageLines(usage)}` : '';
  const budgetLines = budgets?.length ? `\n${intentBudgetLines(id, budgets)}` : '';
  print({ ...intent!, steps: steps ?? [], usage: usage ? { own: usage.own, total: usage.total } : null, budgets: budgets ?? [] },
    () => `${intentDetails(intent!)}${usageLines}${budgetLines}\n${stepsTable(steps ?? [])}`);
});

program
  .command('list')
  .description('list intents, newest first')
  .option('-s, --status <status>', 'status (repeatable)', collect)
  .option('-t, --type <type>', 'type (repeatable)', collect)
  .option('-l, --label <label>', 'label (repeatable; all must match)', collect)
  .option('--parent <id>', 'children of this intent')
  .option('-n, --first <n>', 'page size', int, 20)
  .option('--after <cursor>', 'page cursor')
  .action(async (o) => {
    const page = await client().list(
      { status: o.status?.map((s: string) => s.toUpperCase()), type: o.type, label: o.label, parentId: o.parent },
      { first: o.first, after: o.after },
    );
    print(page, () =>
      [
        ...page.nodes.map(intentRow),
        `${page.nodes.length} of ${page.totalCount}${page.pageInfo.hasNextPage ? `; next page: --after ${page.pageInfo.endCursor}` : ''}`,
      ].join('\n'),
    );
  });

program.command('events <id>').description('an intent’s event log').action(async (id: string) => {
  const events = await client().events(id);
  print(events, () => events.map(eventLine).join('\n'));
});

program
  .command('watch <id>')
  .description('follow an intent live until it finishes (exit 0 when COMPLETED)')
  .option('--interval <ms>', 'poll interval when the server cannot be subscribed to', int, 500)
  .action(async (id: string, o) => {
    const intent = await watchIntent(client(), id, { json: asJson(), pollMs: o.interval });
    if (!intent) fail(`intent ${id} not found`, 'NOT_FOUND');
    if (!asJson()) console.log(intentDetails(intent!));
    process.exitCode = intent!.status === 'COMPLETED' ? 0 : 1;
  });

program
  .command('stream <id> <name>')
  .description('print an output stream of an intent (text, or a JSON line per page with --json)')
  .option('--from <index>', 'index of the first chunk', int, 0)
  .option('-f, --follow', 'keep printing as chunks arrive, until the stream ends')
  .action(async (id: string, name: string, o: { from: number; follow?: boolean }) => {
    await printStream(client(), id, name, { from: o.from, follow: o.follow === true, json: asJson() });
  });

program
  .command('approvals')
  .description('the approval inbox, newest first')
  .option('-s, --status <status>', 'PENDING, RESOLVED, TIMED_OUT, ESCALATED, CANCELLED or all (repeatable)', collect)
  .option('-a, --assignee <name>', 'approvals that list this assignee')
  .option('-t, --type <type>', 'approval type (repeatable)', collect)
  .option('--intent <id>', 'approvals of this intent')
  .option('-n, --first <n>', 'page size', int, 20)
  .option('--after <cursor>', 'page cursor')
  .action(async (o) => {
    const statuses: string[] = (o.status ?? ['PENDING']).map((s: string) => s.toUpperCase());
    const page = await client().approvals(
      { status: statuses.includes('ALL') ? null : (statuses as never), assignee: o.assignee, type: o.type, intentId: o.intent },
      { first: o.first, after: o.after },
    );
    print(page, () =>
      [
        ...(page.nodes.length ? page.nodes.map(approvalRow) : ['no approvals']),
        ...(page.pageInfo.hasNextPage ? [`next page: --after ${page.pageInfo.endCursor}`] : []),
      ].join('\n'),
    );
  });

for (const [verb, outcome] of [['approve', 'approve'], ['reject', 'reject']] as const) {
  program
    .command(`${verb} <approvalId>`)
    .description(`${verb} a pending approval; the intent resumes`)
    .option('-c, --comment <text>', 'a comment for the agent and the audit trail')
    .option('-d, --data <json>', 'form data as JSON (checked against the approval’s formSchema)', jsonArg)
    .option('-o, --outcome <name>', `another of the approval’s options instead of "${outcome}"`, outcome)
    .option('--by <name>', 'who decides, when no API key says so')
    .action(async (approvalId: string, o) => {
      const a = await client().resolveApproval({ approvalId, outcome: o.outcome, comment: o.comment, data: o.data, resolvedBy: o.by });
      print(a, () => approvalDetails(a));
    });
}

program
  .command('signal <id> <name>')
  .description('send a named signal to an intent (wakes a waitForSignal, or is kept for the next)')
  .option('-p, --payload <json>', 'payload as JSON', jsonArg)
  .action(async (id: string, name: string, o) => {
    const s = await client().signal(id, name, o.payload);
    print(s, () => `signal ${s.name} ${s.consumedAt ? 'woke' : 'kept for'} ${s.intentId}${s.payload == null ? '' : `  ${JSON.stringify(s.payload)}`}`);
  });

program.command('retry <id>').description('put a FAILED or CANCELLED intent back to PENDING').action(async (id: string) => {
  const intent = await client().retry(id);
  print(intent, () => intentDetails(intent));
});

budgetOptions(program
  .command('fork <id>')
  .description('fork a run: a new intent that reuses the step results recorded before --from-step (or all of them) and runs the rest fresh')
  .option('--from-step <name>', 'run this step and every step after it again')
  .option('--from-seq <n>', 'the same, by the step record\'s seq', int)
  .option('-i, --input <json>', 'input replacing the original\'s', jsonArg)
  .option('--patch <json>', 'JSON merge patch (RFC 7386) applied to the original\'s input', jsonArg)
  .option('-t, --type <type>', 'the fork\'s type (default: the original\'s)')
  .option('-k, --key <idempotencyKey>', 'idempotency key')
  .option('-l, --label <label>', 'label (repeatable; default: the original\'s labels)', collect))
  .action(async (id: string, o) => {
    // without budget options the fork carries the original's own budget limits, spent from zero
    const intent = await client().fork(id, {
      fromStep: o.fromStep, fromSeq: o.fromSeq, input: o.input, inputPatch: o.patch, type: o.type, idempotencyKey: o.key, labels: o.label,
      budget: budgetInput(o),
    });
    print(intent, () => intentDetails(intent));
  });

program
  .command('cancel <id>')
  .description('cancel a PENDING, RUNNING or WAITING intent')
  .option('-r, --reason <text>', 'why')
  .action(async (id: string, o) => {
    const intent = await client().cancel(id, o.reason);
    print(intent, () => intentDetails(intent));
  });

keysCommand(program, print);
workersCommand(program, client, print);
schedulesCommand(program, client, print);
usageCommand(program, client, print);
budgetsCommand(program, client, print);
escalationCommand(program, client, print);

function fail(message: string, code: string): never {
  if (asJson()) console.error(JSON.stringify({ error: { code, message } }));
  else console.error(`axme: ${message}${code ? ` (${code})` : ''}`);
  process.exit(1);
}

program.parseAsync().catch((err) => {
  if (err instanceof AxmeClientError) fail(err.message, err.code);
  fail(err instanceof Error ? err.message : String(err), '');
});
