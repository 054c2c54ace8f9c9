/**
 * Transitions that must do the same thing whichever path leads to them: bulk and
 * single cancel, deadline and other failures, lease expiry and failIntent, and the
 * wake-ups that resume an attempt instead of starting a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEPER_ACTOR } from '../src/sweeper.ts';
import { ok, testApp, type TestApp } from './helpers/app.ts';
import { CLAIM, READ, waitHelpers } from './helpers/waits.ts';

let t: TestApp;
let h: ReturnType<typeof waitHelpers>;
beforeAll(async () => {
  // server retry defaults without jitter, so runAt values are exact
  t = await testApp({ env: { AXME_RETRY_JITTER: '0', AXME_RETRY_INITIAL_INTERVAL_SECONDS: '7' } });
  h = waitHelpers(t);
});
afterAll(() => t.close());

const SLEEP = `mutation($input: SleepIntentInput!) { sleepIntent(input: $input) { id status } }`;
const sweep = () => t.app.sweeper.sweep();
const at = (secondsFromNow: number) => new Date(h.clock.now().getTime() + secondsFromNow * 1000).toISOString();
type Ev = { kind: string; actor: string | null; status: string; data: Record<string, unknown> | null };
const events = async (id: string): Promise<Ev[]> => (await h.read(id)).events;

describe('the sweeper', () => {
  it('signs every change it makes with one actor, whether a lease expired or a timer woke an intent', async () => {
    const type = h.uniqueType();
    const { id: expiring } = await h.submit({ type });
    ok(await t.gql(CLAIM, { input: { types: [type], agent: 'a1', leaseSeconds: 5 } }));
    const { id: sleeping, token } = await h.running();
    ok(await t.gql(SLEEP, { input: { id: sleeping, leaseToken: token, until: at(5) } }));
    h.clock.advance(5_000);
    await sweep();
    const expired = (await events(expiring)).at(-1)!;
    const woke = (await events(sleeping)).at(-1)!;
    expect(expired).toMatchObject({ kind: 'LEASE_EXPIRED' });
    expect(woke).toMatchObject({ kind: 'RESUMED' });
    expect(expired.actor).toBe(woke.actor);
    expect(expired.actor).toBe(SWEEPER_ACTOR);
  });
});
