import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as IConfiguration;

/** Every rule the cruise broke, as `rule: from → to`. */
async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  const { output } = await cruise(dirs, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

it('no module imports from a floor above its own, the client stays apart, and there are no cycles', async () => {
  expect(await violations(ROOT, ['src', 'packages/client/src'])).toEqual([]);
}, 60_000);

it('the rules catch an upward import and a cycle', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'axme-layers-'));
  try {
    const files: Record<string, string> = {
      // core reaching up to a service
      'src/core/rule.ts': `import { run } from '../services/run.ts';\nexport const rule = run;\n`,
      'src/services/run.ts': `export const run = 1;\n`,
      // two store files that import each other
      'src/store/a.ts': `import { b } from './b.ts';\nexport const a = () => b;\n`,
      'src/store/b.ts': `import { a } from './a.ts';\nexport const b = () => a;\n`,
      // the store reaching a type in the wiring: type-only imports count too
      'src/store/c.ts': `import type { Axme } from '../app.ts';\nexport type C = Axme;\n`,
      'src/app.ts': `export interface Axme { ok: true }\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const found = await violations(dir, ['src']);
    expect(found).toContain('core-not-upward: src/core/rule.ts → src/services/run.ts');
    expect(found).toContain('store-not-upward: src/store/c.ts → src/app.ts');
    expect(found).toContain('no-cycles: src/store/a.ts → src/store/b.ts');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

it('the floors are those the README lists, in that order', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const floors = config.forbidden!.map((r) => /^(.+)-not-upward$/.exec(r.name ?? '')?.[1]).filter(Boolean);
  const section = readme.slice(readme.indexOf('## Architecture'));
  const listed = [...section.matchAll(/^\d+\. `src\/([a-z]+)/gm)].map((m) => m[1]);
  // the last floor (cli) has nothing above it, so it has no rule
  expect(listed.slice(0, floors.length)).toEqual(floors.map((f) => (f === 'entry' ? 'app' : f)));
});
