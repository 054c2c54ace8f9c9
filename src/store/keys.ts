import type { Queryable } from '../db/types.ts';
import type { Role } from '../core/roles.ts';
import { date, maybeDate } from './rows.ts';

export interface ApiKey {
  id: string;
  namespace: string;
  name: string;
  role: Role;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toKey = (r: Record<string, unknown>): ApiKey => ({
  id: r.id as string,
  namespace: r.namespace as string,
  name: r.name as string,
  role: r.role as Role,
  keyPrefix: r.key_prefix as string,
  createdAt: date(r.created_at),
  lastUsedAt: maybeDate(r.last_used_at),
  revokedAt: maybeDate(r.revoked_at),
});

const INSERT = `
  insert into api_keys (id, namespace, name, role, key_hash, key_prefix, created_at)
  values ($1, $2, $3, $4, $5, $6, $7) returning *`;

export async function insertKey(
  q: Queryable, k: { id: string; namespace: string; name: string; role: Role; hash: string; prefix: string }, now: Date,
): Promise<ApiKey> {
  const { rows } = await q.query(INSERT, [k.id, k.namespace, k.name, k.role, k.hash, k.prefix, now]);
  return toKey(rows[0]!);
}

const BY_HASH = `select * from api_keys where key_hash = $1 and revoked_at is null`;

export async function findActiveKey(q: Queryable, hash: string): Promise<ApiKey | null> {
  const { rows } = await q.query(BY_HASH, [hash]);
  return rows[0] ? toKey(rows[0]) : null;
}

// Written at most once a minute per key, so authentication does not add a write per request.
const TOUCH = `update api_keys set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')`;

export async function touchKey(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query(TOUCH, [id, now]);
}

const LIST = `select * from api_keys where namespace = $1 order by created_at desc, id desc`;

export async function listKeys(q: Queryable, namespace: string): Promise<ApiKey[]> {
  const { rows } = await q.query(LIST, [namespace]);
  return rows.map(toKey);
}

const REVOKE = `update api_keys set revoked_at = coalesce(revoked_at, $3) where namespace = $1 and id = $2 returning *`;

export async function revokeKey(q: Queryable, namespace: string, id: string, now: Date): Promise<ApiKey | null> {
  const { rows } = await q.query(REVOKE, [namespace, id, now]);
  return rows[0] ? toKey(rows[0]) : null;
}

const REVOKED_AMONG = `select id::text as id from api_keys where id = any($1::uuid[]) and revoked_at is not null`;

/** Which of these keys are revoked (the periodic check of keys that still hold streams open). */
export async function revokedAmong(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<{ id: string }>(REVOKED_AMONG, [ids]);
  return rows.map((r) => r.id);
}
