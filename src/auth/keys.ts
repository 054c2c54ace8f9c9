/**
 * API keys: made here, shown once, stored only as a SHA-256 hash. Keys are 192
 * random bits, so a fast hash is enough (nothing to brute-force); lookups go by
 * hash. Verified keys are cached briefly so a request costs no database read;
 * a revocation takes effect on every instance within that time (at once where
 * auth/revocations.ts hears of it, which also ends the key's open streams).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/types.ts';
import { badInput, notFound } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { type ApiKey, findActiveKey, insertKey, listKeys, revokeKey, touchKey } from '../store/keys.ts';
import * as v from '../core/validate.ts';
import { type Role, isRole, ROLES } from '../core/roles.ts';

export const KEY_CACHE_MS = 5_000;

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export class ApiKeys {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();
  private readonly onRevoked: ((id: string) => void) | undefined;

  /** `onRevoked` hears of each key this instance revokes (to end its open streams everywhere). */
  constructor(db: Db, clock: Clock, onRevoked?: (id: string) => void) {
    this.db = db;
    this.clock = clock;
    this.onRevoked = onRevoked;
  }

  /** Returns the stored key and the secret, which is never stored or shown again. */
  async create(a: { namespace: string; name: string; role: string }): Promise<{ key: ApiKey; secret: string }> {
    const namespace = v.name('namespace', a.namespace);
    const name = v.text('name', a.name, 200);
    if (!name) throw badInput('name is required', { field: 'name' });
    if (!isRole(a.role)) throw badInput(`role must be one of ${ROLES.join(', ')}`, { field: 'role' });
    const secret = `axme_${randomBytes(24).toString('base64url')}`;
    const key = await insertKey(this.db, { id: uuidv7(), namespace, name, role: a.role as Role, hash: hash(secret), prefix: secret.slice(0, 12) }, this.clock.now());
    return { key, secret };
  }

  /** The active key for a secret, or null. */
  async verify(secret: string): Promise<ApiKey | null> {
    const h = hash(secret);
    const now = Date.now();
    const hit = this.cache.get(h);
    if (hit && hit.until > now) return hit.key;
    const key = await findActiveKey(this.db, h);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(h, { key, until: now + KEY_CACHE_MS });
    if (key) await touchKey(this.db, key.id, this.clock.now());
    return key;
  }

  list(namespace: string): Promise<ApiKey[]> {
    return listKeys(this.db, namespace);
  }

  async revoke(namespace: string, id: string): Promise<ApiKey> {
    const key = await revokeKey(this.db, namespace, v.id('id', id), this.clock.now());
    if (!key) throw notFound('API key', id);
    this.forget();
    this.onRevoked?.(key.id);
    return key;
  }

  /** Drops every cached verification: the next request with each key reads the database. */
  forget(): void {
    this.cache.clear();
  }
}
