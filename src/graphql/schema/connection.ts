/**
 * The one connection shape of the API, for every paged list: edges (cursor and
 * node), nodes, and pageInfo (hasNextPage, endCursor), paged forward with first and
 * after. Not Pothos' Relay plugin: it adds hasPreviousPage and startCursor to
 * PageInfo and before and last to every connection field, so the published schema,
 * and the clients generated from it, would change.
 */
import type { ArgBuilder, ObjectRef } from '@pothos/core';
import { type Types, builder } from '../builder.ts';

interface PageInfoShape {
  hasNextPage: boolean;
  endCursor: string | null;
}

const pageInfos = new Map<string, ObjectRef<Types, PageInfoShape>>();

/**
 * The PageInfo type. `ApprovalPageInfo` is the same shape under the name the schema was
 * published with; folding it into PageInfo renames a type, which waits for a release
 * that may change the schema.
 */
function pageInfo(name: string): ObjectRef<Types, PageInfoShape> {
  let ref = pageInfos.get(name);
  if (!ref) {
    ref = builder.objectRef<PageInfoShape>(name).implement({
      fields: (t) => ({
        hasNextPage: t.exposeBoolean('hasNextPage'),
        endCursor: t.exposeString('endCursor', { nullable: true }),
      }),
    });
    pageInfos.set(name, ref);
  }
  return ref;
}

/** `<name>Connection` and `<name>Edge` over pages of type P holding rows of the node type. */
export function connection<P extends { hasNextPage: boolean }, T>(
  name: string,
  o: { node: ObjectRef<Types, T>; rows: (page: P) => T[]; cursor: (row: T) => string; pageInfo?: string },
): ObjectRef<Types, P> {
  const edge = builder.objectRef<T>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.string({ resolve: o.cursor }),
      // the row is the node; Pothos cannot see that through the generic T
      node: t.field({ type: o.node, resolve: (row) => row as never }),
    }),
  });
  return builder.objectRef<P>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [edge], resolve: o.rows }),
      nodes: t.field({ type: [o.node], resolve: o.rows }),
      pageInfo: t.field({
        type: pageInfo(o.pageInfo ?? 'PageInfo'),
        resolve: (p) => {
          const last = o.rows(p).at(-1);
          return { hasNextPage: p.hasNextPage, endCursor: last === undefined ? null : o.cursor(last) };
        },
      }),
    }),
  });
}

/** The forward paging arguments of a top-level list. */
export const pageArgs = (arg: ArgBuilder<Types>) => ({
  first: arg.int({ description: 'Page size, 0–500. Default 20.' }),
  after: arg.string({ description: 'endCursor of the previous page.' }),
});
