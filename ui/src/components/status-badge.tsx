import type { ApprovalStatus, IntentStatus, WaitingFor } from '../generated/graphql.ts';

export function StatusBadge(p: { status: IntentStatus | ApprovalStatus; waitingFor?: WaitingFor | null }) {
  return (
    <span class={`badge badge-${p.status.toLowerCase()}`} data-status={p.status}>
      {p.status.replace('_', ' ')}
      {p.waitingFor ? ` · ${p.waitingFor}` : ''}
    </span>
  );
}
