import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema } from '../src/graphql/schema/index.ts';

it('schema.graphql matches the Pothos builder (run `npm run schema` after changing the API)', () => {
  const checkedIn = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  expect(checkedIn).toBe(printedSchema());
});
