/** A tiny history router: the app lives under /ui and every view has its own URL. */
import type { ComponentChildren } from 'preact';
import { Store } from './api/store.ts';

export const BASE = '/ui';

const current = () => location.pathname + location.search;
export const route = new Store<string>(current());
addEventListener('popstate', () => route.set(current()));

export function navigate(to: string): void {
  history.pushState(null, '', to);
  route.set(current());
  scrollTo(0, 0);
}

export type View =
  | { name: 'intents' }
  | { name: 'intent'; id: string }
  | { name: 'approvals' }
  | { name: 'workers' }
  | { name: 'schedules' }
  | { name: 'usage' }
  | { name: 'submit'; type: string }
  | { name: 'missing' };

export function parse(path: string): View {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  if (p === BASE || p === '') return { name: 'intents' };
  if (p === `${BASE}/approvals`) return { name: 'approvals' };
  if (p === `${BASE}/workers`) return { name: 'workers' };
  if (p === `${BASE}/submit`) return { name: 'submit', type: new URLSearchParams(path.split('?')[1] ?? '').get('type') ?? '' };
  if (p === `${BASE}/schedules`) return { name: 'schedules' };
  if (p === `${BASE}/usage`) return { name: 'usage' };
  const m = new RegExp(`^${BASE}/intents/([^/]+)$`).exec(p);
  if (m) return { name: 'intent', id: decodeURIComponent(m[1]!) };
  return { name: 'missing' };
}

export const intentHref = (id: string) => `${BASE}/intents/${encodeURIComponent(id)}`;

export function Link(p: { href: string; class?: string; children: ComponentChildren }) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(p.href);
  };
  return (
    <a href={p.href} class={p.class} onClick={onClick}>
      {p.children}
    </a>
  );
}
