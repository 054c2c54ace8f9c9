/** Short, readable times: "12s ago", "in 5m", or the date when it is far away. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  const s = Math.round((t - now) / 1000);
  const abs = Math.abs(s);
  const say = (n: number, unit: string) => (s < 0 ? `${n}${unit} ago` : `in ${n}${unit}`);
  if (abs < 5) return 'just now';
  if (abs < 60) return say(abs, 's');
  if (abs < 3600) return say(Math.round(abs / 60), 'm');
  if (abs < 86_400) return say(Math.round(abs / 3600), 'h');
  return new Date(t).toLocaleString();
}

export const shortId = (id: string) => (id.length > 12 ? `…${id.slice(-8)}` : id);

export function debounce(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let t: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (t) clearTimeout(t);
    t = setTimeout(() => {
      t = null;
      fn();
    }, ms);
  };
  run.cancel = () => t && clearTimeout(t);
  return run;
}
