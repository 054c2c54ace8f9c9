/**
 * `axme schedules list|get|create|pause|resume|delete|trigger`: schedules through the
 * public API. Every command that takes a schedule accepts its id or its name.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { collect, int, jsonArg } from './args.ts';
import { type Axme, AxmeClientError, type Schedule } from '@axme/client';
import { intentDetails } from './format.ts';

type Print = (value: unknown, text: () => string) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const upper = (v: string) => v.toUpperCase().replaceAll('-', '_');

const spec = (s: Schedule) => (s.cron ? `cron "${s.cron}" ${s.timezone}` : `every ${s.intervalSeconds}s`);

export function scheduleRow(s: Schedule): string {
  const state = s.paused ? 'paused' : s.nextFireAt ? `next ${s.nextFireAt}` : 'ended';
  return `${s.id}  ${s.name.padEnd(24)}  ${spec(s).padEnd(34)}  ${s.intent.type.padEnd(20)}  ${state}  last ${s.lastFireAt ?? 'never'}`;
}

export function scheduleDetails(s: Schedule & { nextFires?: string[] }): string {
  const lines = [
    `${s.id}  ${s.name}${s.paused ? `  PAUSED${s.pausedReason ? ` (${s.pausedReason})` : ''}` : ''}`,
    `  when      ${spec(s)}${s.jitterSeconds ? `, jitter ${s.jitterSeconds}s` : ''}`,
    `  submits   ${s.intent.type}  ${JSON.stringify(s.intent.input)}`,
    `  policies  overlap ${s.overlap}, catch-up ${s.catchUp}`,
    `  fires     ${s.fireCount} (skipped ${s.skipCount})   last ${s.lastFireAt ?? 'never'}${s.lastIntent ? ` → ${s.lastIntent.id} ${s.lastIntent.status}` : ''}`,
    `  next      ${s.paused ? '(paused)' : s.nextFireAt ?? '(ended)'}`,
  ];
  if (s.startAt || s.endAt) lines.push(`  window    ${s.startAt ?? '…'} to ${s.endAt ?? '…'}`);
  if (s.bufferedFireAt) lines.push(`  buffered  ${s.bufferedFireAt} (waits for the running intent)`);
  if (s.nextFires?.length) lines.push(`  upcoming  ${s.nextFires.join('\n            ')}`);
  return lines.join('\n');
}

export function schedulesCommand(program: Command, client: () => Axme, print: Print): void {
  const sc = program.command('schedules').description('cron and interval schedules that submit intents');
  /** The id of a schedule named by id or name. */
  const idOf = async (ref: string): Promise<string> => {
    if (UUID.test(ref)) return ref;
    const s = await client().schedules.get({ name: ref }, 0);
    if (!s) throw new AxmeClientError('NOT_FOUND', `schedule ${ref} not found`, {});
    return s.id;
  };

  sc.command('list')
    .description('list schedules by name')
    .option('--paused', 'only paused ones')
    .option('-t, --type <type>', 'only those submitting this intent type')
    .option('-n, --first <n>', 'page size', int, 50)
    .option('--after <cursor>', 'page cursor')
    .action(async (o) => {
      const page = await client().schedules.list({ paused: o.paused ? true : null, type: o.type }, { first: o.first, after: o.after });
      print(page, () => [
        ...(page.nodes.length ? page.nodes.map(scheduleRow) : ['no schedules']),
        ...(page.pageInfo.hasNextPage ? [`next page: --after ${page.pageInfo.endCursor}`] : []),
      ].join('\n'));
    });

  sc.command('get <idOrName>')
    .description('show a schedule and its next fires')
    .option('--next <n>', 'how many upcoming fires', int, 5)
    .action(async (ref: string, o) => {
      const s = await client().schedules.get(UUID.test(ref) ? { id: ref } : { name: ref }, o.next);
      if (!s) throw new AxmeClientError('NOT_FOUND', `schedule ${ref} not found`, {});
      print(s, () => scheduleDetails(s));
    });

  sc.command('create <name> <type>')
    .description('create a schedule that submits intents of <type>: give --cron (with --tz) or --every')
    .option('--cron <expr>', 'cron expression, 5 fields or 6 with seconds, e.g. "0 9 * * MON-FRI"')
    .option('--tz <zone>', 'IANA time zone of the cron expression', 'UTC')
    .option('--every <seconds>', 'a fixed interval in seconds', int)
    .option('-i, --input <json>', 'the intent input as JSON', jsonArg)
    .option('--input-file <path>', 'the intent input from a JSON file (- for stdin)')
    .option('-l, --label <label>', 'label of each intent (repeatable)', collect)
    .option('-p, --priority <n>', 'priority 0-1000', int)
    .option('--overlap <policy>', 'skip, buffer-one or allow', upper)
    .option('--catch-up <policy>', 'skip, one or all', upper)
    .option('--jitter <seconds>', 'delay each intent by up to this', int)
    .option('--start <time>', 'no fire before this ISO time')
    .option('--end <time>', 'no fire at or after this ISO time')
    .option('--paused', 'create it paused')
    .action(async (name: string, type: string, o) => {
      const input = o.inputFile ? JSON.parse(readFileSync(o.inputFile === '-' ? 0 : o.inputFile, 'utf8')) : o.input;
      const s = await client().schedules.create({
        name, cron: o.cron, timezone: o.tz, intervalSeconds: o.every,
        intent: { type, input, labels: o.label, priority: o.priority },
        overlap: o.overlap, catchUp: o.catchUp, jitterSeconds: o.jitter, startAt: o.start, endAt: o.end, paused: o.paused,
      });
      print(s, () => scheduleDetails(s));
    });

  sc.command('pause <idOrName>')
    .description('stop firing until resumed')
    .option('-r, --reason <text>', 'why')
    .action(async (ref: string, o) => {
      const s = await client().schedules.pause(await idOf(ref), o.reason);
      print(s, () => scheduleDetails(s));
    });

  sc.command('resume <idOrName>').description('fire again from the next time after now').action(async (ref: string) => {
    const s = await client().schedules.resume(await idOf(ref));
    print(s, () => scheduleDetails(s));
  });

  sc.command('delete <idOrName>').description('delete a schedule (its intents stay)').action(async (ref: string) => {
    const deleted = await client().schedules.delete(await idOf(ref));
    print({ deleted }, () => (deleted ? `deleted ${ref}` : `${ref} was already gone`));
  });

  sc.command('trigger <idOrName>').description('fire now, whatever the overlap policy').action(async (ref: string) => {
    const intent = await client().schedules.trigger(await idOf(ref));
    print(intent, () => intentDetails(intent));
  });
}
