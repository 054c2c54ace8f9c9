/** Input checks shared by every operation; each failure is a BAD_USER_INPUT or PAYLOAD_TOO_LARGE with the field named. */
import { AxmeError, badInput } from './errors.ts';
import { isUuid } from './ids.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:\/-]*$/;

export function id(field: string, value: string): string {
  if (!isUuid(value)) throw badInput(`${field} is not a valid id`, { field, value: value.slice(0, 100) });
  return value.toLowerCase();
}

export function optionalId(field: string, value: string | null | undefined): string | null {
  return value == null ? null : id(field, value);
}

export function intInRange(field: string, value: number | null | undefined, def: number, min: number, max: number): number {
  if (value == null) return def;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${field} must be a whole number from ${min} to ${max}`, { field, value });
  }
  return value;
}

/** Intent types and similar names: 1–200 characters of letters, digits and _ . : / - */
export function name(field: string, value: string): string {
  if (value.length === 0 || value.length > 200 || !NAME.test(value)) {
    throw badInput(`${field} must be 1–200 characters: letters, digits and _ . : / - (starting with a letter or digit)`, {
      field,
      value: value.slice(0, 100),
    });
  }
  return value;
}

export function text(field: string, value: string | null | undefined, max: number): string | null {
  if (value == null) return null;
  if (value.length === 0 || value.length > max) throw badInput(`${field} must be 1–${max} characters`, { field });
  return storable(field, value);
}

export function labels(value: readonly string[] | null | undefined): string[] {
  if (value == null) return [];
  if (value.length > 50) throw badInput('at most 50 labels', { field: 'labels' });
  for (const l of value) {
    if (l.length === 0 || l.length > 200) throw badInput('each label must be 1–200 characters', { field: 'labels' });
    storable('labels', l);
  }
  return [...new Set(value)];
}

export function nonEmptyNames(field: string, value: readonly string[], max = 100): string[] {
  if (value.length === 0) throw badInput(`${field} must name at least one value`, { field });
  if (value.length > max) throw badInput(`${field} may name at most ${max} values`, { field });
  return [...new Set(value.map((v) => name(field, v)))];
}

/**
 * JSON values stored on an intent: bounded by bytes so one agent cannot bloat the
 * database, by depth so nothing that serialises them runs out of stack, and free of
 * characters PostgreSQL refuses, so a batch can refuse one item before any SQL runs.
 */
export function payload(field: string, value: unknown, maxBytes: number): unknown {
  if (value === undefined) return null;
  storableJson(field, value);
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? 'null');
  if (bytes > maxBytes) {
    throw new AxmeError('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes; the limit is ${maxBytes}`, { field, bytes, limit: maxBytes });
  }
  return value;
}

export function date(field: string, value: Date | null | undefined): Date | null {
  if (value == null) return null;
  if (Number.isNaN(value.getTime())) throw badInput(`${field} is not a valid date-time`, { field });
  if (!dateInRange(value)) throw badInput(`${field} must be from ${DATE_RANGE}`, { field });
  return value;
}

// RFC 3339's four-digit years: JavaScript and PostgreSQL hold every one of them (PostgreSQL
// has no year 0, and JavaScript dates run past what a timestamptz holds at both ends).
export const MIN_DATE = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_DATE = Date.parse('9999-12-31T23:59:59.999Z');
export const DATE_RANGE = '0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z';

export function dateInRange(d: Date): boolean {
  const t = d.getTime();
  return t >= MIN_DATE && t <= MAX_DATE;
}

/**
 * Why a string cannot be stored, or null. PostgreSQL refuses NUL in text and jsonb; an
 * unpaired UTF-16 surrogate is not Unicode at all (jsonb refuses its escape, and text
 * would silently store U+FFFD instead).
 */
export function badCharacter(s: string): string | null {
  if (s.includes('\u0000')) return 'a NUL character (U+0000)';
  if (!s.isWellFormed()) return 'an unpaired UTF-16 surrogate';
  return null;
}

export function storable(field: string, s: string): string {
  const bad = badCharacter(s);
  if (bad) throw badInput(`${field} contains ${bad}, which cannot be stored`, { field });
  return s;
}

/** The deepest a JSON value may nest (objects and arrays inside each other). */
export const MAX_JSON_DEPTH = 100;

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | null;
  up: Frame | null;
}

const pathOf = (field: string, f: Frame): string => {
  const keys: (string | number)[] = [];
  for (let at: Frame | null = f; at && at.key !== null; at = at.up) keys.push(at.key);
  return keys.reverse().reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : `${p}.${k}`), field);
};

/** Checks depth, strings and keys of a JSON value without recursion: a 10,000-deep value must not exhaust the stack here either. */
function storableJson(field: string, value: unknown): void {
  const stack: Frame[] = [{ value, depth: 0, key: null, up: null }];
  for (let f = stack.pop(); f; f = stack.pop()) {
    const v = f.value;
    if (typeof v === 'string') {
      const bad = badCharacter(v);
      if (bad) throw badInput(`${pathOf(field, f)} contains ${bad}, which cannot be stored`, { field: pathOf(field, f) });
    } else if (v !== null && typeof v === 'object') {
      if (f.depth >= MAX_JSON_DEPTH) throw badInput(`${field} nests deeper than ${MAX_JSON_DEPTH} levels`, { field, limit: MAX_JSON_DEPTH });
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: f.depth + 1, key: i, up: f });
      } else {
        for (const [k, x] of Object.entries(v)) {
          const bad = badCharacter(k);
          if (bad) throw badInput(`${pathOf(field, f)} has a key with ${bad}, which cannot be stored`, { field: pathOf(field, f) });
          stack.push({ value: x, depth: f.depth + 1, key: k, up: f });
        }
      }
    }
  }
}
