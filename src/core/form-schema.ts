/**
 * JSON Schema for approval forms (ajv, draft-07 by default). Schemas come from agents,
 * so they are size-capped and compiled once per distinct text (bounded cache).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badInput } from './errors.ts';

const MAX_SCHEMA_BYTES = 64 * 1024;
const CACHE_SIZE = 500;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

function compile(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  if (Buffer.byteLength(key) > MAX_SCHEMA_BYTES) throw badInput(`formSchema is larger than ${MAX_SCHEMA_BYTES} bytes`, { field: 'approval.formSchema' });
  if (typeof schema !== 'object' && typeof schema !== 'boolean') throw badInput('formSchema must be a JSON Schema object', { field: 'approval.formSchema' });
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(schema as object);
  } catch (err) {
    throw badInput(`formSchema is not a valid JSON Schema: ${(err as Error).message}`, { field: 'approval.formSchema' });
  }
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, fn);
  return fn;
}

/** Throws BAD_USER_INPUT unless `schema` compiles. */
export function checkFormSchema(schema: unknown): void {
  compile(schema);
}

/** Throws BAD_USER_INPUT listing every violation unless `data` satisfies `schema`. */
export function checkFormData(schema: unknown, data: unknown): void {
  const fn = compile(schema);
  if (fn(data)) return;
  const errors = (fn.errors ?? []).slice(0, 20).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
  throw badInput(`data does not match the approval's formSchema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { field: 'data', errors });
}
