// Scenarios 3 and 4 measure subscriptions (graphql-ws through Redis), which the real-time
// issue builds. Until then they report that, rather than a number for something else.
import type { Scenario } from '../scenario.ts';

const NEEDS = 'needs the real-time issue (subscriptions not built yet)';

export const eventLatencyScenario: Scenario = {
  name: 'events',
  title: '3. Event latency',
  async run() {
    return [{ scenario: this.title, subject: 'commit on A → graphql-ws subscriber on B via Redis, 1,000 events/s', value: null, unit: 'ms', target: 'p50 < 2 ms, p99 < 15 ms', met: null, note: NEEDS }];
  },
};

export const fanOutScenario: Scenario = {
  name: 'fanout',
  title: '4. Fan-out',
  async run() {
    return [{ scenario: this.title, subject: '10,000 WebSocket subscriptions on one instance', value: null, unit: '', target: '< 20 KB/subscription, < 250 ms to all', met: null, note: NEEDS }];
  },
};
