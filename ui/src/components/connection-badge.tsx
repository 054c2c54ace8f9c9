import { auth } from '../api/auth.ts';
import { connection } from '../api/live.ts';
import { useStore } from '../api/store.ts';

const LABEL = { connecting: 'connecting…', connected: 'live', reconnecting: 'reconnecting…' } as const;

/** Whether live updates flow; while reconnecting, streams resume from their cursors once back. */
export function ConnectionBadge() {
  const state = useStore(connection);
  const { needed } = useStore(auth);
  // without a key nothing can connect: say that, not "reconnecting"
  if (needed) {
    return (
      <span class="connection connection-connecting" data-connection="no-key" role="status" aria-live="polite">
        <span class="dot" aria-hidden="true" />
        waiting for an API key
      </span>
    );
  }
  return (
    <span class={`connection connection-${state}`} data-connection={state} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}
