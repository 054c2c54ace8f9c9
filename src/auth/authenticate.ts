import { AxmeError } from '../core/errors.ts';
import type { Caller } from '../core/caller.ts';
import type { ApiKeys } from './keys.ts';
import type { Role } from '../core/roles.ts';

export interface Auth {
  caller: Caller;
  role: Role;
  /** The key's id, or null when auth is off and no key was sent. */
  keyId: string | null;
  /** Why the request may do nothing at all (no key, unknown key): the roles plugin answers UNAUTHENTICATED. */
  refused?: string;
}

/** With auth off and no key: a development caller with every right in the default namespace. */
export const OPEN_AUTH: Auth = { caller: { namespace: 'default', principal: null }, role: 'admin', keyId: null };

/** Who a refused request is: nobody, in a namespace no key can have, with the least role. */
export function refusedAuth(reason: string): Auth {
  return { caller: { namespace: '', principal: null, role: 'viewer' }, role: 'viewer', keyId: null, refused: reason };
}

/** Reads `Bearer <key>` (HTTP and SSE header, or graphql-ws connectionParams) into who is calling. */
export async function authenticate(keys: ApiKeys, required: boolean, authorization: string | null | undefined): Promise<Auth> {
  const raw = authorization?.trim();
  if (!raw) {
    if (!required) return OPEN_AUTH;
    throw new AxmeError('UNAUTHENTICATED', 'an API key is required: send Authorization: Bearer <key>');
  }
  const m = /^Bearer\s+(\S+)$/i.exec(raw);
  if (!m) throw new AxmeError('UNAUTHENTICATED', 'the Authorization header must be Bearer <key>');
  const key = await keys.verify(m[1]!);
  if (!key) throw new AxmeError('UNAUTHENTICATED', 'unknown or revoked API key');
  return { caller: { namespace: key.namespace, principal: key.name, role: key.role }, role: key.role, keyId: key.id };
}

/** The Authorization value a graphql-ws client sent in connectionParams (`authorization`, or an `apiKey`). */
export function authorizationFromParams(p: Record<string, unknown> | null | undefined): string | null {
  const v = p?.authorization ?? p?.Authorization ?? (p?.apiKey ? `Bearer ${String(p.apiKey)}` : null);
  return typeof v === 'string' ? v : null;
}
