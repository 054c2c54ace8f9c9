import { useState } from 'preact/hooks';
import { auth, setKey } from '../api/auth.ts';
import { useStore } from '../api/store.ts';

/** Shown when the server answers UNAUTHENTICATED: asks for an API key, kept for this tab unless remembered. */
export function KeyPrompt() {
  const state = useStore(auth);
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(state.remembered);
  if (!state.needed) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    if (value.trim()) setKey(value.trim(), remember);
  };
  return (
    <div class="overlay">
      <form class="dialog" onSubmit={submit} aria-labelledby="key-title">
        <h2 id="key-title">API key</h2>
        <p class="muted">
          {state.key ? 'The server refused this key.' : 'This server requires an API key.'}
          {state.key && state.message ? <span class="small"> ({state.message})</span> : null}
        </p>
        <label>
          Key
          <input name="apiKey" type="password" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="axme_…" autofocus />
        </label>
        <label class="check">
          <input name="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Remember on this device
        </label>
        <p class="muted small">
          Sent only to this server, as a Bearer token. Kept for this tab until it closes (session storage); remembered, it stays in
          this browser's local storage until another key replaces it.
        </p>
        <button type="submit" class="primary">Use key</button>
      </form>
    </div>
  );
}
