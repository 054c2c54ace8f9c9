import { useState } from 'preact/hooks';
import { auth, setKey } from '../api/auth.ts';
import { useStore } from '../api/store.ts';

/** Shown when the server answers UNAUTHENTICATED: asks for an API key and keeps it in this browser. */
export function KeyPrompt() {
  const state = useStore(auth);
  const [value, setValue] = useState('');
  if (!state.needed) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    if (value.trim()) setKey(value.trim());
  };
  return (
    <div class="overlay">
      <form class="dialog" onSubmit={submit} aria-labelledby="key-title">
        <h2 id="key-title">API key</h2>
        <p class="muted">{state.key ? 'The server refused this key.' : 'This server requires an API key.'} {state.message}</p>
        <label>
          Key
          <input name="apiKey" type="password" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="axme_…" autofocus />
        </label>
        <p class="muted small">Kept in this browser's local storage and sent as a Bearer token.</p>
        <button type="submit" class="primary">Use key</button>
      </form>
    </div>
  );
}
