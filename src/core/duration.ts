const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30d`, `12h`, `45m`, `90s` or plain seconds, as seconds; null when it is none of these. */
export function parseDurationSeconds(raw: string): number | null {
  const m = /^(\d+)\s*([smhd]?)$/i.exec(raw.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_SECONDS[(m[2] || 's').toLowerCase()]!;
}
