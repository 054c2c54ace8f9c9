import { useEffect, useRef, useState } from 'preact/hooks';
import { auth } from '../api/auth.ts';
import { describeError } from '../api/errors.ts';
import { request } from '../api/http.ts';
import { useCan } from '../api/me.ts';
import { useStore } from '../api/store.ts';
import { IntentTypesDocument, SubmitIntentDocument, type IntentTypesQuery } from '../generated/graphql.ts';
import { intentHref, navigate } from '../router.tsx';

type KnownType = IntentTypesQuery['intentTypes'][number];

/** The input as JSON: an object, array or value; '' is {} (the server's default). */
export function parseInput(text: string): { value: unknown; error: string | null } {
  if (!text.trim()) return { value: {}, error: null };
  try {
    return { value: JSON.parse(text), error: null };
  } catch (e) {
    return { value: null, error: (e as Error).message };
  }
}

export const parseLabels = (text: string): string[] => [...new Set(text.split(',').map((l) => l.trim()).filter(Boolean))];

/**
 * Submits an intent as an app would: a type (the types in use are suggested, each
 * with the input its newest intent had as a template), JSON input checked before it
 * is sent, labels and an optional idempotency key. Then it opens the new intent.
 */
export function SubmitForm(p: { type: string }) {
  const { epoch } = useStore(auth);
  const canSubmit = useCan('AGENT');
  const [types, setTypes] = useState<KnownType[]>([]);
  const [type, setType] = useState(p.type);
  const [input, setInput] = useState('{}');
  // once the input is edited by hand, no template replaces it (a ref: an async answer must see the latest)
  const touched = useRef(false);
  const typeNow = useRef(type);
  typeNow.current = type;
  const [labels, setLabels] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Until the input is edited, a known type's newest input fills it in as a template. */
  const template = (name: string, list: KnownType[]) => {
    const t = list.find((x) => x.type === name.trim());
    if (!touched.current && t?.exampleInput != null) setInput(JSON.stringify(t.exampleInput, null, 2));
  };

  useEffect(() => {
    let alive = true;
    request(IntentTypesDocument, {})
      .then((d) => {
        if (!alive) return;
        setTypes(d.intentTypes);
        template(typeNow.current, d.intentTypes);
      })
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [epoch]);

  const known = types.find((t) => t.type === type.trim()) ?? null;

  const parsed = parseInput(input);
  const typeError = type.trim() ? null : 'A type is required.';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (typeError) return setError(typeError);
    if (parsed.error) return setError(`The input is not valid JSON: ${parsed.error}`);
    setBusy(true);
    setError(null);
    try {
      const d = await request(SubmitIntentDocument, {
        input: { type: type.trim(), input: parsed.value, labels: parseLabels(labels), idempotencyKey: key.trim() || null },
      });
      navigate(intentHref(d.submitIntent.id));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>New intent</h1>
      {canSubmit === false ? <p class="note warn">This API key cannot submit intents (it needs the agent role or higher); the server would refuse.</p> : null}
      <form class="submit card" onSubmit={submit} noValidate>
        <label>
          Type *
          <input name="type" class="mono" list="known-types" value={type} placeholder="e.g. research.answer" autocomplete="off" onInput={(e) => {
              setType(e.currentTarget.value);
              template(e.currentTarget.value, types);
            }}
          />
          <datalist id="known-types">
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.paused ? 'paused' : `${t.recent} recent`}
              </option>
            ))}
          </datalist>
          <span class="muted field-note">
            {known
              ? `In use: ${known.recent} of the newest intents${known.paused ? '; claims of this type are paused, so it will wait' : ''}. Axme keeps no input schema; the newest input is the template.`
              : types.length
                ? `Known types: ${types.slice(0, 8).map((t) => t.type).join(', ')}${types.length > 8 ? ', …' : ''}. Any name works: agents claim by type.`
                : 'Agents claim intents by type.'}
          </span>
        </label>
        <label>
          Input (JSON)
          <textarea
            name="input"
            class="mono"
            rows={10}
            value={input}
            aria-invalid={parsed.error !== null}
            onInput={(e) => {
              touched.current = true;
              setInput(e.currentTarget.value);
            }}
          />
          {parsed.error ? <span class="error-text field-note" data-invalid="input">Not valid JSON: {parsed.error}</span> : null}
        </label>
        <label>
          Labels
          <input name="labels" value={labels} placeholder="customer:42, urgent" onInput={(e) => setLabels(e.currentTarget.value)} />
          <span class="muted field-note">Comma-separated; the list filters by them.</span>
        </label>
        <label>
          Idempotency key
          <input name="idempotencyKey" value={key} autocomplete="off" onInput={(e) => setKey(e.currentTarget.value)} />
          <span class="muted field-note">Optional: submitting the same key and input again opens the same intent instead of a new one.</span>
        </label>
        {error ? <p class="error" role="alert">{error}</p> : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || canSubmit === false || parsed.error !== null}>
            {busy ? 'Submitting…' : 'Submit'}
          </button>
        </div>
      </form>
    </section>
  );
}
