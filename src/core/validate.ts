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
  return value;
}

export function labels(value: readonly string[] | null | undefined): string[] {
  if (value == null) return [];
  if (value.length > 50) throw badInput('at most 50 labels', { field: 'labels' });
  for (const l of value) {
    if (l.length === 0 || l.length > 200) throw badInput('each label must be 1–200 characters', { field: 'labels' });
  }
  return [...new Set(value)];
}

export function nonEmptyNames(field: string, value: readonly string[], max = 100): string[] {
  if (value.length === 0) throw badInput(`${field} must name at least one value`, { field });
  if (value.length > max) throw badInput(`${field} may name at most ${max} values`, { field });
  return [...new Set(value.map((v) => name(field, v)))];
}

/** JSON values stored on an intent: bounded by bytes so one agent cannot bloat the database. */
export function payload(field: string, value: unknown, maxBytes: number): unknown {
  if (value === undefined) return null;
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? 'null');
  if (bytes > maxBytes) {
    throw new AxmeError('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes; the limit is ${maxBytes}`, { field, bytes, limit: maxBytes });
  }
  return value;
}

export function date(field: string, value: Date | null | undefined): Date | null {
  if (value == null) return null;
  if (Number.isNaN(value.getTime())) throw badInput(`${field} is not a valid date-time`, { field });
  return value;
}
