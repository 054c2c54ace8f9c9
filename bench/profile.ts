// Summarises V8 CPU profiles (node --cpu-prof) of an Axme server: self time by function
// and by package. `npm run bench:profile` records one during the submit scenario;
// `sh scripts/node.sh bench/profile.ts <file-or-dir>...` reads any.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const files = process.argv.slice(2).flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f)) : [p]);
if (files.length === 0) {
  console.error('usage: profile.ts <.cpuprofile file or folder>...');
  process.exit(2);
}

const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
let total = 0;
let idle = 0;
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  p.samples.forEach((id, i) => {
    const us = p.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') return void (idle += us);
    total += us;
    const where = url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
    const fn = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byPkg.set(pkgOf(url, functionName), (byPkg.get(pkgOf(url, functionName)) ?? 0) + us);
  });
}

function pkgOf(url: string, fn: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/src/')) return 'axme src/';
  if (url.startsWith('node:')) return 'node: built-ins';
  if (!url) return fn.startsWith('(') ? fn : 'native (V8/libuv builtins)';
  return url;
}

const show = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}\n| self ms | share | |\n|---:|---:|---|`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`| ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)}% | ${k} |`);
  }
};
console.log(`${files.length} profile(s): ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
show('By package', byPkg, 15);
show('By function (self time)', byFn, 30);
