import { useState } from 'preact/hooks';
import { request } from '../api/http.ts';
import { IntentChildrenDocument, type ChildNodeFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Level {
  totalCount: number;
  nodes: (ChildNodeFragment & { children: { totalCount: number } })[];
}

/** The intent's children; a child with children of its own expands on demand, one level per query. */
export function ChildrenTree(p: { level: Level }) {
  if (!p.level.totalCount) return <p class="muted">No children.</p>;
  return (
    <ul class="tree">
      {p.level.nodes.map((c) => (
        <ChildItem key={c.id} child={c} />
      ))}
      {p.level.totalCount > p.level.nodes.length ? <li class="muted">and {p.level.totalCount - p.level.nodes.length} more</li> : null}
    </ul>
  );
}

function ChildItem(p: { child: Level['nodes'][number] }) {
  const c = p.child;
  const [open, setOpen] = useState<Level | 'loading' | null>(null);
  const toggle = async () => {
    if (open) return setOpen(null);
    setOpen('loading');
    const d = await request(IntentChildrenDocument, { id: c.id }).catch(() => null);
    setOpen(d?.intent?.children ?? null);
  };
  return (
    <li data-child={c.id}>
      {c.children.totalCount ? (
        <button type="button" class="toggle" aria-expanded={!!open} onClick={toggle}>
          {open ? '−' : '+'}
        </button>
      ) : null}
      <Link href={intentHref(c.id)} class="mono">
        {c.type}
      </Link>{' '}
      <StatusBadge status={c.status} waitingFor={c.waitingFor} />
      {c.children.totalCount ? <span class="muted small"> · {c.children.totalCount} children</span> : null}
      {open === 'loading' ? <p class="muted small">Loading…</p> : open ? <ChildrenTree level={open} /> : null}
    </li>
  );
}
