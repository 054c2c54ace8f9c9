import type { Role } from './roles.ts';

/** Who is calling: the namespace they act in and the principal written as the event actor. */
export interface Caller {
  namespace: string;
  principal: string | null;
  /** Set when the caller authenticated with a key; absent means full rights (auth off). */
  role?: Role;
}
