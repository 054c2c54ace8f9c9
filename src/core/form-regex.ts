/**
 * Regular expressions for approval forms, run by re2js: a pure-JavaScript port of RE2
 * that matches in time linear in the input, so a pattern like `^(a+)+$` cannot stall
 * the event loop as V8's backtracking engine does. (The native `re2` package downloads
 * a prebuilt binary from GitHub at install, else compiles C++; re2js is plain code from
 * the npm registry.) RE2 has no backreferences or lookarounds: patterns using them are
 * refused when the schema is accepted, with RE2's own message.
 */
import type { Format } from 'ajv';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { RE2JS } from 're2js';

/** Longest `pattern` or `patternProperties` key, in characters. */
export const MAX_PATTERN_LENGTH = 512;
/** Most regular expressions one schema may compile. */
export const MAX_PATTERNS = 32;

class Re2 implements RegExpLike {
  private readonly re: RE2JS;
  private readonly source: string;
  constructor(source: string | RegExp) {
    this.re = RE2JS.compile(RE2JS.translateRegExp(source));
    this.source = String(source);
  }
  test(s: string): boolean {
    return this.re.test(s);
  }
  // Ajv keys the patterns of a compile by toString(): it must differ for every pattern
  toString(): string {
    return this.source;
  }
}
const re2 = (source: string | RegExp) => new Re2(source);

/**
 * Ajv's `code.regExp` for one compile: RE2 for every `pattern` and
 * `patternProperties`, at most MAX_PATTERNS of them, each at most MAX_PATTERN_LENGTH.
 * (JSON Schema patterns are Unicode, as RE2 always is, so the `u` flag has nothing to add.)
 */
export function boundedRe2(): RegExpEngine {
  let count = 0;
  const engine = (pattern: string): RegExpLike => {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`a pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    if (++count > MAX_PATTERNS) throw new Error(`more than ${MAX_PATTERNS} patterns`);
    try {
      return re2(pattern);
    } catch (err) {
      throw new Error(`pattern ${JSON.stringify(pattern)} is not supported (RE2 syntax: no backreferences or lookarounds): ${(err as Error).message}`);
    }
  };
  // what Ajv's standalone code would call it; Axme never generates standalone code
  return Object.assign(engine, { code: 'axme/form-regex' });
}

type Def = { validate: (s: string) => boolean; compare?: (a: string, b: string) => number | undefined };

/** An ajv-formats regex format, run by RE2 instead. */
function viaRe2(name: string): Def {
  const f = fullFormats[name as keyof typeof fullFormats] as RegExp | { validate: RegExp; compare?: Def['compare'] };
  const re = re2(f instanceof RegExp ? f : f.validate);
  return { validate: (s) => re.test(s), ...(f instanceof RegExp ? {} : { compare: f.compare }) };
}

const uriReference = viaRe2('uri-reference').validate;
const SCHEME = re2(/^[a-z][a-z0-9+\-.]*:/i);
const HOST_LABELS = re2(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i);
const DURATION = re2(/^P(?:(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$/);

/**
 * The formats a schema may name, none of them on a backtracking regular expression
 * of the kind that blows up. The date and time formats keep ajv-formats' checks (a
 * fixed-shape anchored expression, then arithmetic); every other regex runs on RE2,
 * and the three that used lookarounds are rewritten without them. `url` (not a JSON
 * Schema format, and its expression needs lookarounds) is not offered: a schema naming
 * an unknown format is refused.
 */
export const SAFE_FORMATS: Record<string, Format> = {
  date: fullFormats.date,
  time: fullFormats.time,
  'date-time': fullFormats['date-time'],
  'iso-time': fullFormats['iso-time'],
  'iso-date-time': fullFormats['iso-date-time'],
  // "P" alone and a "T" with nothing after it are not durations
  duration: (s: string) => s !== 'P' && !s.endsWith('T') && DURATION.test(s),
  uri: (s: string) => SCHEME.test(s) && uriReference(s),
  'uri-reference': viaRe2('uri-reference'),
  'uri-template': viaRe2('uri-template'),
  email: viaRe2('email'),
  hostname: (s: string) => s.length <= (s.endsWith('.') ? 254 : 253) && s.length > 0 && HOST_LABELS.test(s),
  ipv4: viaRe2('ipv4'),
  ipv6: viaRe2('ipv6'),
  // a pattern this server can run
  regex: (s: string) => {
    try {
      re2(s);
      return true;
    } catch {
      return false;
    }
  },
  uuid: viaRe2('uuid'),
  'json-pointer': viaRe2('json-pointer'),
  'json-pointer-uri-fragment': viaRe2('json-pointer-uri-fragment'),
  'relative-json-pointer': viaRe2('relative-json-pointer'),
  byte: fullFormats.byte,
  int32: fullFormats.int32,
  int64: fullFormats.int64,
  float: fullFormats.float,
  double: fullFormats.double,
  password: true,
  binary: true,
};
