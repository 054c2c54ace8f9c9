/**
 * The key's role, asked of the server (query me) whenever the key changes, so views
 * offer only what the key may do. Unknown (null) until the answer comes, and then
 * views offer nothing: the server refuses anyway, with FORBIDDEN.
 */
import { MeDocument, type MeQuery } from '../generated/graphql.ts';
import { auth } from './auth.ts';
import { request } from './http.ts';
import { useEffect } from 'preact/hooks';
import { Store, useStore } from './store.ts';

export type Me = MeQuery['me'];
type Role = Me['role'];

/** Each role may do what the roles before it may (src/core/roles.ts). */
const ORDER: Role[] = ['VIEWER', 'AGENT', 'APPROVER', 'ADMIN'];

export const me = new Store<Me | null>(null);

let asked = -1;
function ask(): void {
  const { epoch, needed } = auth.get();
  if (epoch === asked || needed) return;
  asked = epoch;
  me.set(null);
  request(MeDocument, {})
    .then((d) => auth.get().epoch === epoch && me.set(d.me))
    .catch(() => {
      // refused or unreachable: ask again with the next key, or on the next view
      if (asked === epoch) asked = -1;
    });
}
auth.watch(ask);
ask();

/**
 * Whether the key may act as `need` (submit and cancel need AGENT, deciding approvals
 * APPROVER); null while the role is not known yet.
 */
export function useCan(need: Role): boolean | null {
  const m = useStore(me);
  // each view that offers actions asks once more if an earlier answer never came
  useEffect(ask, []);
  return m === null ? null : ORDER.indexOf(m.role) >= ORDER.indexOf(need);
}
