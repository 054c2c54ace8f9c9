// JSON Merge Patch as forkIntent's inputPatch applies it: the examples of RFC 7386, appendix A.
import { expect, it } from 'vitest';
import { mergePatch } from '../src/core/merge-patch.ts';

const examples: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

it('applies every example of RFC 7386 and leaves the target unchanged', () => {
  for (const [target, patch, result] of examples) {
    const before = JSON.stringify(target);
    expect(mergePatch(target, patch), `${before} + ${JSON.stringify(patch)}`).toEqual(result);
    expect(JSON.stringify(target)).toBe(before);
  }
});
