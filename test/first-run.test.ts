// `npm start` as a newcomer runs it: the real entry point in its own process, on an
// ephemeral port. What it prints must explain itself, and a client's mistakes must
// never look like server errors in its log.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
});

/** Starts src/main.ts and resolves with its GraphQL URL and everything it prints. */
async function start(env: Record<string, string>) {
  const out: string[] = [];
  const { DATABASE_URL: _d, REDIS_URL: _r, ...base } = process.env;
  child = spawn('sh', ['scripts/node.sh', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...base, PORT: '0', AXME_DATA_DIR: 'memory', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      out.push(...lines);
      const found = /serving GraphQL at (http:\/\/\S+\/graphql)/.exec(lines.join('\n'));
      if (found) resolve(found[1]!);
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
    child!.once('exit', (code) => reject(new Error(`server exited (${code}): ${out.join('\n')}`)));
  });
  child.stdout!.on('data', (d: Buffer) => out.push(...d.toString().split('\n')));
  return { url, out };
}

const post = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((r) => r.json());

it('logs JSON when asked, says where everything is, and keeps client mistakes out of the error level', async () => {
  const { url, out } = await start({ AXME_LOG_FORMAT: 'json' });
  const base = url.replace(/\/graphql$/, '');
  expect(out.join('\n')).toContain(`${base}/ui`);
  expect(out.join('\n')).toContain(`${base}/metrics`);

  const mistakes = [
    'mutation { claimIntent(input: { types: [""] }) { token } }',
    'mutation { cancelIntent(input: { id: "00000000-0000-7000-8000-000000000000" }) { status } }',
    '{ nope }',
  ];
  const answers = await Promise.all(mistakes.map((q) => post(url, q)));
  expect(answers.map((a) => a.errors[0].extensions.code)).toEqual(['BAD_USER_INPUT', 'NOT_FOUND', 'BAD_USER_INPUT']);
  // a real claim over this socket works (the bug a fresh machine found first)
  await post(url, 'mutation { submitIntent(input: { type: "first.run" }) { id } }');
  const claimed = await post(url, 'mutation { claimIntent(input: { types: ["first.run"], waitSeconds: 1 }) { token } }');
  expect(claimed.data.claimIntent.token).toMatch(/^[0-9a-f-]{36}$/);

  await new Promise((r) => setTimeout(r, 200));
  const entries = out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
  expect(entries.length).toBeGreaterThan(3);
  expect(entries.filter((e) => e.level >= 50)).toEqual([]);
});

it('prints one readable line per entry on a terminal-style format', async () => {
  const { out } = await start({ AXME_LOG_FORMAT: 'pretty' });
  const lines = out.filter((l) => l.trim());
  expect(lines.some((l) => l.includes('dashboard:'))).toBe(true);
  expect(lines.filter((l) => l.includes('INFO')).every((l) => !l.trimStart().startsWith('{'))).toBe(true);
});
