/**
 * fast-check arbitraries of hostile values for every input type of the schema, so a
 * fuzz test can walk every Query and Mutation field and send each argument what a
 * careless or malicious client might: strings with NUL and lone surrogates or a
 * megabyte long, extreme numbers, JSON 10,000 deep, bad ids, forged cursors, dates
 * no database holds, wrong types and unknown fields.
 */
import fc from 'fast-check';
import {
  type GraphQLField, type GraphQLInputType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType,
} from 'graphql';

/** Stands for a JSON value nested 10,000 deep: spliced into the body as text, since JSON.stringify of it would recurse. */
export const DEEP = '__DEEP_10000__';
export const spliceDeep = (body: string) => body.replaceAll(JSON.stringify(DEEP), `${'['.repeat(10_000)}1${']'.repeat(10_000)}`);

/** Ids worth sending: real ones (an intent, a lease token) so that some calls get past validation. */
export interface Known {
  ids: () => string[];
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { d: v };
  return v;
};

// UTF-16 code units of every kind, lone surrogates and NUL included
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const hostileString = fc.oneof(
  fc.constantFrom('', 'ok', 'sample.value', 'a\u0000b', '\u0000', '\ud800', 'x\udfffy', '\udc00\ud800', "' or '1'='1", '%s%n%x', 'a'.repeat(201), '\u{1F600}'),
  fc.string({ unit: anyUnit, maxLength: 12 }),
  fc.string({ maxLength: 30 }),
  fc.constant('x'.repeat(300_000)),
);

const cursors = fc.constantFrom(
  b64('e1:99999999999999999999:1'), b64('e1:1:9223372036854775808'), b64('e1:18446744073709551616:1'), b64('e1:0:0'),
  b64('0000-01-01T00:00:00.000Z|01900000-0000-7000-8000-000000000000'),
  b64('-271821-04-20T00:00:00.000Z|01900000-0000-7000-8000-000000000000'),
  b64('+275760-09-13T00:00:00.000Z|01900000-0000-7000-8000-000000000000'),
  b64('2030-01-01T00:00:00.000Z|not-a-uuid'), b64('2030-01-01T00:00:00.000Z|01900000-0000-7000-8000-00000000000\u0000'),
  '!!!', 'bm9wZQ', '',
);

const ints = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 1.5, 10_000, 10_001, 1001, 500, 501),
  fc.integer(),
);

const floats = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e308, -1e308, 5e-324, 604_800, 604_801, 100, 101),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const dates = fc.oneof(
  fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'nope', '',
    '2024-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '2030-01-01T00:00:00\u0000Z'),
  fc.integer({ min: -1e6, max: 1e8 }).map((s) => new Date(Date.now() + s * 1000).toISOString()),
);

const json = fc.oneof(
  fc.constantFrom<unknown>(DEEP, nested(99), nested(101), { 'k\u0000': 1 }, { v: 'a\u0000' }, ['\ud800'], { '\udfff': true }, null, 0, 'text',
    Array.from({ length: 2000 }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 3 }),
);

const enums = (values: string[]) => fc.oneof(fc.constantFrom(...values), fc.constantFrom('NOPE', '', 'pending'));

const small = (x: unknown) => (JSON.stringify(x)?.length ?? 0) < 10_000;

/** A hostile value for an input of `type`, named `name` (ids and cursors are told apart by name). */
export function hostile(type: GraphQLInputType, name: string, known: Known, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 9, arbitrary: hostile(type.ofType, name, known, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) {
    const item = hostile(type.ofType, name, known, depth + 1);
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: item },
      // one past the batch limits (1,000 items), for the outer lists only and of items under
      // 10 KB of JSON: 1,001 copies of an item that holds a list of 1,001 (recordSteps' items
      // and their usage) or two 300 KB strings would be a body of hundreds of megabytes to
      // gigabytes, more than the test can build (V8's longest string) and far past the
      // server's body limit, which other cases test
      ...(depth <= 1 ? [{ weight: 1, arbitrary: item.filter(small).map((x) => Array.from({ length: 1001 }, () => x)) }] : []),
    );
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) record[f.name] = hostile(f.type, f.name, known, depth + 1);
    const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
    return fc.oneof(
      { weight: 8, arbitrary: fc.record(record, { requiredKeys: required }) },
      { weight: 1, arbitrary: fc.record(record, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.record(record, { requiredKeys: required }).map((r) => ({ ...r, bogus: 'x' })) },
    );
  }
  if (isEnumType(type)) return enums(type.getValues().map((v) => v.name));
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID': return fc.oneof(fc.constantFrom(...known.ids()), fc.uuid(), hostileString, fc.constant(12345));
      case 'Int': return ints;
      case 'Float': return floats;
      case 'Boolean': return fc.oneof(fc.boolean(), fc.constantFrom<unknown>('true', 1));
      case 'DateTime': return dates;
      case 'JSON': return json;
      default: return name === 'after' ? fc.oneof(cursors, hostileString) : hostileString;
    }
  }
  return fc.constant(null);
}

/** Variables for every argument of `field`: required ones nearly always, optional ones half the time. */
export function hostileArgs(field: GraphQLField<unknown, unknown>, known: Known): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const a of field.args) record[a.name] = hostile(a.type, a.name, known);
  return fc.record(record, { requiredKeys: field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name) });
}
