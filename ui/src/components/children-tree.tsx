import type { ChildNodeFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Level {
  totalCount: number;
  nodes: (ChildNodeFragment & { children?: Level })[];
}

/** Children and grandchildren as loaded with the intent; deeper levels are one click away. */
export function ChildrenTree(p: { level: Level }) {
  if (!p.level.totalCount) return <p class="muted">No children.</p>;
  return (
    <ul class="tree">
      {p.level.nodes.map((c) => (
        <li key={c.id} data-child={c.id}>
          <Link href={intentHref(c.id)} class="mono">
            {c.type}
          </Link>{' '}
          <StatusBadge status={c.status} waitingFor={c.waitingFor} />
          {c.children && c.children.totalCount ? <ChildrenTree level={c.children} /> : null}
        </li>
      ))}
      {p.level.totalCount > p.level.nodes.length ? <li class="muted">and {p.level.totalCount - p.level.nodes.length} more</li> : null}
    </ul>
  );
}
