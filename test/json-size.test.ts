import { expect, it } from 'vitest';
import { jsonBytesAtLeast } from '../src/graphql/json-size.ts';

const exact = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

it('never exceeds the UTF-8 JSON size, escapes, multibyte text, holes and toJSON included, and is exact for plain ASCII', () => {
  const values: unknown[] = [
    'plain', '', 'quote " backslash \\ newline \n tab \t', 'é€😀 multibyte', 0, -12.5e300, NaN, true, false, null,
    [], {}, [1, 'two', null, undefined, () => 3], { a: 1, skipped: undefined, f: () => 1, nested: { deep: ['x', { y: 'z' }] } },
    { date: new Date(0), list: [new Date(0)] }, { 'kéy "quoted"': 'vål' },
  ];
  for (const v of values) expect(jsonBytesAtLeast(v), JSON.stringify(v)).toBeLessThanOrEqual(exact(v));
  const ascii = { data: { intentEvents: { cursor: 'ZTE6MTox', a0: { input: { text: 'x'.repeat(5000), n: 7 } }, list: ['a', 'b', true, null] } } };
  expect(jsonBytesAtLeast(ascii)).toBe(exact(ascii));
});

it('costs a look-up for a large value it has seen, however many results repeat it', () => {
  const input = { text: 'x'.repeat(100_000), parts: Array.from({ length: 1000 }, (_, i) => ({ i })) };
  const result = { data: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { input }])) };
  expect(jsonBytesAtLeast(result)).toBe(exact(result));
  // the same input object in another result is not walked again: changing it now would not show
  input.parts.length = 0;
  expect(jsonBytesAtLeast({ data: { again: { input } } })).toBeGreaterThan(100_000 + 1000 * 7);
});
