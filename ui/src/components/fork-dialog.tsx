import { useState } from 'preact/hooks';
import { request } from '../api/http.ts';
import { ForkIntentDocument } from '../generated/graphql.ts';
import { intentHref, navigate } from '../router.tsx';

/**
 * "Fork from here": a new intent that reuses this intent's step results recorded before
 * the chosen step record and runs it and the steps after it again, with the input as
 * edited here. On success the page moves to the fork.
 */
export function ForkDialog(p: { intentId: string; step: { name: string; seq: number }; input: unknown; onClose: () => void }) {
  const [text, setText] = useState(JSON.stringify(p.input ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      setError('The input is not valid JSON.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const fork = (await request(ForkIntentDocument, { input: { id: p.intentId, fromSeq: p.step.seq, input } })).forkIntent;
      p.onClose();
      navigate(intentHref(fork.id));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="overlay">
      <form class="dialog fork-dialog" onSubmit={submit} aria-labelledby="fork-title">
        <h2 id="fork-title">Fork from “{p.step.name}”</h2>
        <p class="muted">
          A new intent replays the results recorded before this step and runs “{p.step.name}” and every step after it
          again, with this input.
        </p>
        <label>
          Input (JSON)
          <textarea name="input" rows={10} class="mono" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        {error ? <p class="error">{error}</p> : null}
        <div class="actions">
          <button type="button" onClick={p.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Fork
          </button>
        </div>
      </form>
    </div>
  );
}
