/**
 * The API key, kept in localStorage so a reload stays signed in. `needed` turns on
 * when the server answers UNAUTHENTICATED; the prompt sets a key and every view
 * reloads through the epoch it watches.
 */
import { Store } from './store.ts';

const STORAGE = 'axme.apiKey';

export interface AuthState {
  key: string | null;
  needed: boolean;
  /** Bumped whenever the key changes, so queries and subscriptions start again. */
  epoch: number;
  message: string | null;
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

export const auth = new Store<AuthState>({ key: stored(), needed: false, epoch: 0, message: null });

export function setKey(key: string | null): void {
  try {
    if (key) localStorage.setItem(STORAGE, key);
    else localStorage.removeItem(STORAGE);
  } catch {
    // private mode: the key lasts for this page only
  }
  const s = auth.get();
  auth.set({ key, needed: false, epoch: s.epoch + 1, message: null });
}

export function requireKey(message: string): void {
  const s = auth.get();
  if (!s.needed) auth.set({ ...s, needed: true, message });
}

export const bearer = (): string | null => {
  const key = auth.get().key;
  return key ? `Bearer ${key}` : null;
};
