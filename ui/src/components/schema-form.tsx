/**
 * A form for an approval's formSchema: object schemas whose properties are
 * strings, numbers, integers, booleans or enums get one field each; anything
 * else falls back to a JSON text area. The server validates the result.
 */
import { useState } from 'preact/hooks';

interface Property {
  type?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
  default?: unknown;
}

interface ObjectSchema {
  type: 'object';
  properties: Record<string, Property>;
  required?: string[];
}

const SIMPLE = new Set(['string', 'number', 'integer', 'boolean']);

export function simpleSchema(schema: unknown): ObjectSchema | null {
  const s = schema as Partial<ObjectSchema> | null;
  if (!s || typeof s !== 'object' || s.type !== 'object' || !s.properties || typeof s.properties !== 'object') return null;
  const ok = Object.values(s.properties).every((p) => p && typeof p === 'object' && (Array.isArray(p.enum) || SIMPLE.has(p.type ?? '')));
  return ok ? (s as ObjectSchema) : null;
}

export interface FormValue {
  data: unknown;
  /** Set when the JSON text does not parse; resolving is blocked until fixed. */
  invalid: string | null;
}

export function SchemaForm(p: { schema: unknown; onChange(v: FormValue): void }) {
  const simple = simpleSchema(p.schema);
  return simple ? <Fields schema={simple} onChange={p.onChange} /> : <JsonField schema={p.schema} onChange={p.onChange} />;
}

function initial(schema: ObjectSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, prop] of Object.entries(schema.properties)) {
    if (prop.default !== undefined) out[k] = prop.default;
    else if (prop.type === 'boolean') out[k] = false;
  }
  return out;
}

function Fields(p: { schema: ObjectSchema; onChange(v: FormValue): void }) {
  const [data, setData] = useState(() => {
    const d = initial(p.schema);
    p.onChange({ data: d, invalid: null });
    return d;
  });
  const set = (k: string, v: unknown) => {
    const next = { ...data };
    if (v === '' || v === undefined) delete next[k];
    else next[k] = v;
    setData(next);
    p.onChange({ data: next, invalid: null });
  };
  return (
    <div class="schema-form">
      {Object.entries(p.schema.properties).map(([k, prop]) => {
        const label = `${prop.title ?? k}${p.schema.required?.includes(k) ? ' *' : ''}`;
        const value = data[k];
        let input;
        if (Array.isArray(prop.enum)) {
          input = (
            <select name={k} value={value === undefined ? '' : JSON.stringify(value)} onChange={(e) => set(k, e.currentTarget.value ? JSON.parse(e.currentTarget.value) : undefined)}>
              <option value="">—</option>
              {prop.enum.map((o) => (
                <option key={String(o)} value={JSON.stringify(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (prop.type === 'boolean') {
          input = <input name={k} type="checkbox" checked={value === true} onChange={(e) => set(k, e.currentTarget.checked)} />;
        } else if (prop.type === 'number' || prop.type === 'integer') {
          input = (
            <input
              name={k}
              type="number"
              step={prop.type === 'integer' ? 1 : 'any'}
              value={value === undefined ? '' : String(value)}
              onInput={(e) => set(k, e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))}
            />
          );
        } else {
          input = <input name={k} value={typeof value === 'string' ? value : ''} onInput={(e) => set(k, e.currentTarget.value)} />;
        }
        return (
          <label key={k} class={prop.type === 'boolean' ? 'check' : ''}>
            {label}
            {input}
            {prop.description ? <span class="muted small">{prop.description}</span> : null}
          </label>
        );
      })}
    </div>
  );
}

function JsonField(p: { schema: unknown; onChange(v: FormValue): void }) {
  const [text, setText] = useState('{}');
  const [invalid, setInvalid] = useState<string | null>(null);
  const change = (t: string) => {
    setText(t);
    try {
      const data = t.trim() ? JSON.parse(t) : null;
      setInvalid(null);
      p.onChange({ data, invalid: null });
    } catch (e) {
      setInvalid((e as Error).message);
      p.onChange({ data: null, invalid: (e as Error).message });
    }
  };
  return (
    <div class="schema-form">
      <label>
        Data (JSON)
        <textarea name="data" rows={5} class="mono" value={text} onInput={(e) => change(e.currentTarget.value)} />
      </label>
      {invalid ? <span class="error-text small">{invalid}</span> : null}
      <details class="json">
        <summary>schema</summary>
        <pre>{JSON.stringify(p.schema, null, 2)}</pre>
      </details>
    </div>
  );
}
