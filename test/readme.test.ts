import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAxme } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/log.ts';
import { listen, type RunningServer } from '../src/server.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

const run = promisify(execFile);
let tdb: TestDb;
let server: RunningServer;

beforeAll(async () => {
  tdb = await freshDb();
  const config = loadConfig({ PORT: '0', AXME_LOG_LEVEL: 'silent' });
  server = await listen(await createAxme(config, createLogger('silent'), { db: tdb.db }), createLogger('silent'));
});
afterAll(async () => {
  await server.shutdown();
  await tdb.close();
});

/** The shell block under a README heading, as a newcomer would paste it. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`no sh block under ${heading}`);
  return m[1]!;
}

it('the README walk-through works as pasted', async () => {
  const script = readmeBlock('Five-minute walk-through').replaceAll('http://localhost:4000/graphql', server.url);
  const { stdout } = await run('bash', ['-c', `set -e\n${script}`], { timeout: 20_000 });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines[0].data.submitIntent.status).toBe('PENDING');
  expect(lines[1].data.claimIntent.intent.attempt).toBe(1);
  expect(lines[2].data.checkpointIntent.checkpoint).toEqual({ fetched: true });
  expect(lines[3].data.completeIntent.status).toBe('COMPLETED');
  expect(lines[4].data.intent.events.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'CLAIMED', 'CHECKPOINTED', 'COMPLETED']);
  expect(lines[5].errors[0].extensions.code).toBe('CONFLICT');
});

it('the README human-in-the-loop walk-through works as pasted after the first', async () => {
  // it reuses the gql and pick helpers the first block defines
  const helpers = readmeBlock('Five-minute walk-through').split('\n\n')[0]!;
  const script = `${helpers}\n${readmeBlock('A human in the loop')}`.replaceAll('http://localhost:4000/graphql', server.url);
  const { stdout } = await run('bash', ['-c', `set -e\n${script}`], { timeout: 30_000 });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines[1].data.requestApproval.intent).toEqual({ status: 'WAITING', waitingFor: 'APPROVAL' });
  expect(lines[3].data.resolveApproval).toMatchObject({ status: 'RESOLVED', resolvedBy: 'alice', intent: { status: 'PENDING' } });
  expect(lines[4].data.claimIntent.intent).toMatchObject({ checkpoint: { step: 'drafted' }, approvals: [{ outcome: 'approve', data: { amount: 80 } }] });
  expect(lines[5].data.completeIntent.status).toBe('COMPLETED');
  expect(lines[6].data.intent.events.map((e: { kind: string }) => e.kind)).toEqual([
    'SUBMITTED', 'CLAIMED', 'APPROVAL_REQUESTED', 'APPROVAL_RESOLVED', 'CLAIMED', 'COMPLETED',
  ]);
});

it('documents every variable config.ts reads in the configuration section', () => {
  const source = readFileSync(new URL('../src/core/config.ts', import.meta.url), 'utf8');
  const names = new Set([...source.matchAll(/\b(?:int|num|bool|str|url|retention|origins|hosts|token)\('([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!));
  expect(names.size).toBeGreaterThan(40);
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
  expect([...names].filter((n) => !section.includes(`\`${n}\``))).toEqual([]);
});
