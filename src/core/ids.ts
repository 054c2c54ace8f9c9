import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * UUIDv7 (RFC 9562): time-ordered, so new intents land at the right edge of the
 * primary-key index instead of scattering writes across it. The random part comes
 * from randomUUID, which draws from a cached entropy pool (randomBytes per call cost
 * ~2% of a submit's CPU); its variant bits are already the ones v7 needs.
 */
export function uuidv7(ms: number = Date.now()): string {
  const r = randomUUID();
  const t = ms.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19)}`;
}
