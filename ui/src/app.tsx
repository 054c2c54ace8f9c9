import { useStore } from './api/store.ts';
import { ApprovalsInbox } from './components/approvals-inbox.tsx';
import { ConnectionBadge } from './components/connection-badge.tsx';
import { IntentPage } from './components/intent-page.tsx';
import { IntentsView } from './components/intents-view.tsx';
import { KeyPrompt } from './components/key-prompt.tsx';
import { WorkersView } from './components/workers-view.tsx';
import { SubmitForm } from './components/submit-form.tsx';
import { SchedulesView } from './components/schedules-view.tsx';
import { UsageView } from './components/usage-view.tsx';
import { BASE, Link, parse, route } from './router.tsx';

export function App() {
  const view = parse(useStore(route));
  return (
    <>
      <header class="top">
        <Link href={BASE} class="brand">
          Axme
        </Link>
        <nav>
          <Link href={BASE} class={view.name === 'intents' ? 'active' : ''}>
            Intents
          </Link>
          <Link href={`${BASE}/approvals`} class={view.name === 'approvals' ? 'active' : ''}>
            Approvals
          </Link>
          <Link href={`${BASE}/workers`} class={view.name === 'workers' ? 'active' : ''}>
            Workers
          </Link>
          <Link href={`${BASE}/schedules`} class={view.name === 'schedules' ? 'active' : ''}>
            Schedules
          </Link>
          <Link href={`${BASE}/usage`} class={view.name === 'usage' ? 'active' : ''}>
            Usage
          </Link>
        </nav>
        <ConnectionBadge />
      </header>
      <main>
        {view.name === 'intents' ? <IntentsView /> : null}
        {view.name === 'intent' ? <IntentPage key={view.id} id={view.id} /> : null}
        {view.name === 'approvals' ? <ApprovalsInbox /> : null}
        {view.name === 'workers' ? <WorkersView /> : null}
        {view.name === 'submit' ? <SubmitForm type={view.type} /> : null}
        {view.name === 'schedules' ? <SchedulesView /> : null}
        {view.name === 'usage' ? <UsageView /> : null}
        {view.name === 'missing' ? <p class="empty">No such page.</p> : null}
      </main>
      <KeyPrompt />
    </>
  );
}
