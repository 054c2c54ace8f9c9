import { connection } from '../api/live.ts';
import { useStore } from '../api/store.ts';

const LABEL = { connecting: 'connecting…', connected: 'live', reconnecting: 'reconnecting…' } as const;

/** Whether live updates flow; while reconnecting, streams resume from their cursors once back. */
export function ConnectionBadge() {
  const state = useStore(connection);
  return (
    <span class={`connection connection-${state}`} data-connection={state} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}
