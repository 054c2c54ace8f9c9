import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../codegen.ts';
import uiConfig from '../ui/codegen.ts';

it.each([
  ['packages/client/src/generated', config],
  ['ui/src/generated', uiConfig],
])('%s matches schema.graphql and the operations (run `npm run codegen` after changing either)', async (_dir, cfg) => {
  const outputs = (await generate({ ...cfg, silent: true }, false)) as { filename: string; content: string }[];
  expect(outputs.length).toBeGreaterThan(0);
  for (const o of outputs) {
    expect(readFileSync(o.filename, 'utf8'), o.filename).toBe(o.content);
  }
}, 60_000);
