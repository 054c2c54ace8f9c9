/**
 * A lower bound of a value's size as UTF-8 JSON, found without serialising it, so
 * a result that is surely over a limit can be refused before paying for its JSON.
 * Every UTF-16 code unit takes at least one UTF-8 byte and escapes only add, so a
 * string takes at least its length plus its quotes. The JSON values a result
 * repeats (an intent's input selected through ten aliases, by a hundred
 * subscribers) are one object, loaded once; their sizes are remembered, so each
 * repetition costs a look-up, not a walk.
 */

/** Objects smaller than this are walked again rather than remembered. */
const REMEMBER_BYTES = 1024;
const sizes = new WeakMap<object, number>();

export function jsonBytesAtLeast(value: unknown): number {
  try {
    return atLeast(value);
  } catch {
    // nested deeper than the stack allows: nothing known, and zero is a lower bound
    return 0;
  }
}

function atLeast(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      // a finite number is written as String() writes it; the others as null
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return 4;
    case 'object':
      return value === null ? 4 : objectBytes(value);
    default:
      // undefined, functions and symbols are left out (or written as null in arrays); a bigint is refused
      return 0;
  }
}

function objectBytes(value: object): number {
  const known = sizes.get(value);
  if (known !== undefined) return known;
  // a Date, a GraphQLError: what toJSON makes is not walked; two bytes is still a lower bound
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return 2;
  let n = 2;
  if (Array.isArray(value)) {
    for (const v of value) n += atLeast(v) + 1;
  } else {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      n += k.length + 4 + atLeast(v);
    }
  }
  // the last element or member has no comma after it
  if (n > 2) n -= 1;
  if (n >= REMEMBER_BYTES) sizes.set(value, n);
  return n;
}
