/** A collapsible, readable JSON value; empty values say so instead of printing null. */
export function JsonBlock(p: { label: string; value: unknown; open?: boolean }) {
  const empty = p.value === null || p.value === undefined;
  return (
    <details class="json" open={p.open && !empty} data-json={p.label}>
      <summary>
        {p.label}
        {empty ? <span class="muted"> — none</span> : null}
      </summary>
      {empty ? null : <pre>{JSON.stringify(p.value, null, 2)}</pre>}
    </details>
  );
}
