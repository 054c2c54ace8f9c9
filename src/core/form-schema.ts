/**
 * JSON Schema for approval forms (ajv, draft-07). Schemas come from agents of any
 * namespace, so each is compiled on its own: a fresh Ajv instance per schema, so no
 * `$id` of one request is visible to, or can collide with, another's; `$ref` may only
 * point inside the schema. Patterns and formats run on RE2 (form-regex.ts). Compiled
 * validators are kept in an LRU cache keyed by namespace and the schema's hash; an
 * evicted one is compiled again from the stored schema when it is next needed.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import { badInput } from './errors.ts';
import { boundedRe2, SAFE_FORMATS } from './form-regex.ts';

/** Largest schema, as JSON text. */
export const MAX_SCHEMA_BYTES = 16 * 1024;
/** Deepest nesting of objects and arrays in a schema. */
export const MAX_SCHEMA_DEPTH = 16;
/** Compiled schemas kept, across namespaces. */
export const CACHE_SIZE = 200;

const FIELD = { field: 'approval.formSchema' };

// Only checks schemas against the draft-07 meta-schema: validateSchema never registers
// the schema it checks. Formats are off here, so a pattern RE2 cannot run is reported
// by the compile below with RE2's own reason rather than as "must match format regex".
const meta = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });

const compiled = new Map<string, ValidateFunction>();

/** Refuses what no form needs and what could reach beyond this one schema. */
function walk(value: unknown, depth: number): void {
  if (depth > MAX_SCHEMA_DEPTH) throw badInput(`formSchema is nested deeper than ${MAX_SCHEMA_DEPTH} levels`, FIELD);
  if (Array.isArray(value)) {
    for (const v of value) walk(v, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) {
        throw badInput(`formSchema may only $ref inside itself ("#..."), not ${JSON.stringify(v.slice(0, 200))}`, FIELD);
      }
      // an async schema's validate answers a promise: every form would pass
      if (k === '$async' && v === true) throw badInput('formSchema may not be $async', FIELD);
      // Ajv would ignore an unknown format (strict is off, for forms' own keywords), accepting anything
      if (k === 'format' && typeof v === 'string' && !Object.hasOwn(SAFE_FORMATS, v)) {
        throw badInput(`formSchema names an unknown format ${JSON.stringify(v.slice(0, 100))}; known: ${Object.keys(SAFE_FORMATS).join(', ')}`, FIELD);
      }
      walk(v, depth + 1);
    }
  }
}

function compileAlone(schema: object | boolean): ValidateFunction {
  let fn: ValidateFunction;
  try {
    if (!meta.validateSchema(schema)) throw new Error(meta.errorsText(meta.errors));
    // nothing outlives this compile but the function: no registry another schema could reach
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      logger: false,
      formats: SAFE_FORMATS,
      meta: false,
      validateSchema: false,
      addUsedSchema: false,
      code: { regExp: boundedRe2() },
    });
    fn = ajv.compile(schema);
  } catch (err) {
    throw badInput(`formSchema is not a valid JSON Schema: ${(err as Error).message}`, FIELD);
  }
  return fn;
}

const cacheKey = (namespace: string, text: string) => `${namespace}\u0000${createHash('sha256').update(text).digest('base64')}`;

function compile(namespace: string, schema: unknown): ValidateFunction {
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
    throw badInput('formSchema must be a JSON Schema object', FIELD);
  }
  const text = JSON.stringify(schema);
  if (Buffer.byteLength(text) > MAX_SCHEMA_BYTES) throw badInput(`formSchema is larger than ${MAX_SCHEMA_BYTES} bytes`, FIELD);
  const key = cacheKey(namespace, text);
  const hit = compiled.get(key);
  if (hit) {
    // least recently used first: a hit moves to the back
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  walk(schema, 0);
  const fn = compileAlone(schema);
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, fn);
  return fn;
}

/** Throws BAD_USER_INPUT unless `schema` compiles, alone, within the limits above. */
export function checkFormSchema(namespace: string, schema: unknown): void {
  compile(namespace, schema);
}

/** Throws BAD_USER_INPUT listing every violation unless `data` satisfies `schema`. */
export function checkFormData(namespace: string, schema: unknown, data: unknown): void {
  const fn = compile(namespace, schema);
  if (fn(data)) return;
  const errors = (fn.errors ?? []).slice(0, 20).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
  throw badInput(`data does not match the approval's formSchema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { field: 'data', errors });
}

/** How many compiled schemas are held (tests). */
export const cachedSchemas = (): number => compiled.size;

/** Whether `schema` is compiled and held for `namespace` (tests). */
export const isCached = (namespace: string, schema: unknown): boolean => compiled.has(cacheKey(namespace, JSON.stringify(schema)));
