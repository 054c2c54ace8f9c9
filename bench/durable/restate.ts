// The Restate server (binary from @restatedev/restate-server) kept on loopback. It asks a
// public host for its latest release at every start and has no setting to stop that, so
// it runs in a private mount namespace (unshare -m, as root) whose /etc/hosts and
// /etc/resolv.conf send every lookup to 127.0.0.1, where no DNS server answers; telemetry
// is off (disable-telemetry). Its data lives in a temp folder.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep, tempDir, track } from '../lib.ts';
import { restateServerBinary } from './peers.ts';

export interface Restate { pid: number; ingress: string; admin: string; logFile: string; stop(): Promise<void> }

export async function startRestate(): Promise<Restate> {
  const dir = tempDir('axme-bench-restate-');
  const hosts = join(dir.path, 'hosts');
  const resolv = join(dir.path, 'resolv.conf');
  writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n');
  writeFileSync(resolv, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  const [ingressPort, adminPort, nodePort] = [await freePort(), await freePort(), await freePort()];
  const logFile = join(dir.path, 'restate.log');
  const { openSync } = await import('node:fs');
  const log = openSync(logFile, 'a');
  // unshare execs sh, which execs the server: the pid we hold is the server's
  const proc = track(spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && exec "$3" --no-logo', 'sh', hosts, resolv, restateServerBinary()], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RESTATE_BASE_DIR: join(dir.path, 'data'),
      RESTATE_NODE_NAME: 'bench',
      RESTATE_BIND_IP: '127.0.0.1',
      RESTATE_ADVERTISED_HOST: '127.0.0.1',
      RESTATE_BIND_PORT: String(nodePort),
      RESTATE_INGRESS__BIND_PORT: String(ingressPort),
      RESTATE_ADMIN__BIND_PORT: String(adminPort),
      RESTATE_ADMIN__DISABLE_WEB_UI: 'true',
      RESTATE_DISABLE_TELEMETRY: 'true',
      RESTATE_LISTEN_MODE: 'tcp',
      RESTATE_LOG_FORMAT: 'compact',
      RESTATE_LOG_DISABLE_ANSI_CODES: 'true',
    },
    stdio: ['ignore', log, log],
  }));
  const admin = `http://127.0.0.1:${adminPort}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        dir.remove();
        resolve();
      };
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      proc.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`restate-server exited with ${proc.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error('restate-server did not become ready within 60 s');
    }
    try {
      if ((await fetch(`${admin}/health`)).ok && (await fetch(`http://127.0.0.1:${ingressPort}/restate/health`)).ok) break;
    } catch {}
    await sleep(200);
  }
  return { pid: proc.pid!, ingress: `http://127.0.0.1:${ingressPort}`, admin, logFile, stop };
}

/** Registers a service endpoint (the SDK process) with the server. */
export async function registerDeployment(admin: string, uri: string): Promise<void> {
  const res = await fetch(`${admin}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uri }) });
  if (!res.ok) throw new Error(`registering ${uri} failed: ${res.status} ${await res.text()}`);
}

/**
 * What we can check about "nothing leaves loopback", while the server runs: the
 * resolv.conf its mount namespace sees (nsenter), its TCP and UDP sockets (every peer must
 * be loopback), and what its log says about the version check or telemetry.
 */
export function loopbackReport(r: Restate): { resolver: string; remote: string[]; logLines: string[] } {
  const resolver = execFileSync('nsenter', ['-t', String(r.pid), '-m', 'cat', '/etc/resolv.conf'], { encoding: 'utf8' }).split('\n')[0]!;
  const ss = execFileSync('ss', ['-Htuanp'], { encoding: 'utf8' });
  const remote = ss.split('\n').filter((l) => l.includes(`pid=${r.pid},`))
    .map((l) => l.trim().split(/\s+/)[5] ?? '')
    .filter((peer) => peer && !/^(127\.|\[::1\]|\[::ffff:127\.|\*|0\.0\.0\.0)/.test(peer));
  const logLines = readFileSync(r.logFile, 'utf8').split('\n').filter((l) => /latest|upgrade|new version|telemetry|dns|lookup/i.test(l)).slice(0, 5);
  return { resolver, remote, logLines };
}
