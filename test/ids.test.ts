import { expect, it } from 'vitest';
import { isUuid, uuidv7 } from '../src/core/ids.ts';

it('uuidv7 carries its millisecond, version 7 and the RFC variant, and sorts by time', () => {
  const ms = Date.UTC(2026, 10, 24, 7, 0, 0, 123);
  const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(ms + i));
  for (const id of ids) {
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
  }
  expect(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(Array.from({ length: 1000 }, () => uuidv7(ms))).size).toBe(1000);
});
