// The durable-run peers (Restate, DBOS) live outside the project's dependencies: their
// exact versions are in bench/peers/durable-run/package.json (+ lockfile), installed on
// first use into .axme/bench-peers/durable-run, so `npm ci` stays as it is for everyone.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const PEERS_DIR = resolve('.axme/bench-peers/durable-run');
const SPEC_DIR = resolve('bench/peers/durable-run');

/** Installs the pinned peers once (npm ci from the lockfile); a no-op when they are current. */
export function ensurePeers(): void {
  const spec = readFileSync(join(SPEC_DIR, 'package-lock.json'), 'utf8');
  const installed = join(PEERS_DIR, 'node_modules/.package-lock.json');
  if (existsSync(installed) && existsSync(join(PEERS_DIR, 'package-lock.json')) && readFileSync(join(PEERS_DIR, 'package-lock.json'), 'utf8') === spec) return;
  mkdirSync(PEERS_DIR, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(SPEC_DIR, f), join(PEERS_DIR, f));
  console.log(`  installing the durable-run peers into ${PEERS_DIR} (once) …`);
  // --ignore-scripts: no postinstall (one dependency's would report the install to a third party)
  const npm = join(dirname(process.execPath), 'npm');
  execFileSync(existsSync(npm) ? npm : 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' });
}

/** require() from the peers' folder (both peers ship CommonJS builds). */
export const peerRequire = createRequire(join(PEERS_DIR, 'package.json'));

export const restateServerBinary = () =>
  join(dirname(peerRequire.resolve('@restatedev/restate-server-linux-x64/package.json')), 'bin/restate-server');
