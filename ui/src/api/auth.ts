/**
 * The API key. By default it lives in sessionStorage: this tab only, gone when the tab
 * closes, and never read by another tab. "Remember" keeps it in localStorage instead,
 * for the next visit. Either way only this origin's scripts can read it, and the
 * server's CSP (script-src 'self') admits no others. `needed` turns on when the server
 * answers UNAUTHENTICATED; the prompt sets a key and every view reloads through the
 * epoch it watches.
 */
import { Store } from './store.ts';

const STORAGE = 'axme.apiKey';

export interface AuthState {
  key: string | null;
  /** Kept in localStorage across visits, not only for this tab. */
  remembered: boolean;
  needed: boolean;
  /** Bumped whenever the key changes, so queries and subscriptions start again. */
  epoch: number;
  message: string | null;
}

function read(storage: () => Storage): string | null {
  try {
    return storage().getItem(STORAGE);
  } catch {
    return null;
  }
}

const session = read(() => sessionStorage);
const remembered = session === null ? read(() => localStorage) : null;

export const auth = new Store<AuthState>({ key: session ?? remembered, remembered: remembered !== null, needed: false, epoch: 0, message: null });

export function setKey(key: string | null, remember = false): void {
  try {
    sessionStorage.removeItem(STORAGE);
    localStorage.removeItem(STORAGE);
    if (key) (remember ? localStorage : sessionStorage).setItem(STORAGE, key);
  } catch {
    // private mode: the key lasts for this page only
  }
  const s = auth.get();
  auth.set({ key, remembered: Boolean(key) && remember, needed: false, epoch: s.epoch + 1, message: null });
}

/**
 * Opens the key prompt. `epoch` is the key epoch the refused request was sent under: a
 * refusal of a request sent before the user gave a key arrives late under load and
 * must not take the new key's place.
 */
export function requireKey(message: string, epoch?: number): void {
  const s = auth.get();
  if (epoch !== undefined && epoch !== s.epoch) return;
  if (!s.needed) auth.set({ ...s, needed: true, message });
}

export const bearer = (): string | null => {
  const key = auth.get().key;
  return key ? `Bearer ${key}` : null;
};
