/**
 * The transition table drives the SQL: every action, run for real through the services
 * and the sweeper, leaves the intent in a status the table lists for that action, with
 * the event the table names for that status. A statement that drifts from the table
 * (a status or kind written by hand) fails here; so does an action or target left untried.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Caller } from '../src/core/caller.ts';
import type { ManualClock } from '../src/core/clock.ts';
import { ACTIONS, type Action, type EventKind, type Status, TRANSITIONS } from '../src/core/lifecycle.ts';
import { testApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  t = await testApp();
  clock = t.clock as ManualClock;
});
afterAll(() => t.close());

const c: Caller = { namespace: 'default', principal: null };
const services = () => t.app.services;
let n = 0;
const freshType = () => `transitions.t${++n}`;
const later = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);
const sweep = () => t.app.sweeper.sweep();

/** Every (action, target) pair the runs below reached. */
const reached = new Map<Action, Set<Status>>();

/**
 * Runs `act` on the intent and checks what it wrote: one event per action in `actions`,
 * in order, each with a status the action may lead to and the kind the table names for
 * it; an action that writes no event must leave a status whose table entry is null.
 * `intent` is its id, or a function giving the id `act` made (a submit).
 */
async function expectSteps(intent: string | (() => string), actions: Action[], act: () => Promise<unknown>): Promise<void> {
  const before = typeof intent === 'string' ? (await services().intents.get(c, intent))!.lastSeq : 0;
  await act();
  const id = typeof intent === 'string' ? intent : intent();
  const events = await services().intents.events(c, id, before, 100);
  const now = (await services().intents.get(c, id))!;
  const eventless = actions.filter((a) => Object.values(TRANSITIONS[a].to).every((k) => k === null));
  if (eventless.length) {
    expect(actions).toEqual(eventless);
    expect(events).toEqual([]);
  } else {
    expect(events.map((e) => e.seq)).toEqual(actions.map((_a, i) => before + i + 1));
  }
  actions.forEach((action, i) => {
    const status = events[i]?.status ?? now.status;
    const table = TRANSITIONS[action].to as Partial<Record<Status, EventKind | null>>;
    expect(Object.keys(table), `${action} led to ${status}`).toContain(status);
    expect(events[i]?.kind ?? null, `${action} -> ${status}`).toBe(table[status]);
    let targets = reached.get(action);
    if (!targets) reached.set(action, (targets = new Set()));
    targets.add(status);
  });
}

/** A RUNNING intent of a fresh type, its lease token, and its type. */
async function running(extra: { maxAttempts?: number; leaseSeconds?: number; deadline?: Date } = {}) {
  const type = freshType();
  const { id } = await services().intents.submit(c, { type, maxAttempts: extra.maxAttempts ?? 3, deadline: extra.deadline ?? null });
  const lease = (await services().intents.claim(c, { types: [type], leaseSeconds: extra.leaseSeconds ?? 300 }))!;
  return { id, type, token: lease.token };
}

it('submit, claim, heartbeat, checkpoint, progress, a kept signal, complete', async () => {
  const type = freshType();
  let id = '';
  await expectSteps(() => id, ['submit'], async () => {
    id = (await services().intents.submit(c, { type })).id;
  });
  let token = '';
  await expectSteps(id, ['claim'], async () => {
    token = (await services().intents.claim(c, { types: [type] }))!.token;
  });
  await expectSteps(id, ['heartbeat'], () => services().intents.heartbeat(c, id, token, 60));
  await expectSteps(id, ['checkpoint'], () => services().intents.checkpoint(c, id, token, { step: 1 }));
  await expectSteps(id, ['recordStep'], () => services().steps.record(c, { id, leaseToken: token, name: 'plan', output: 1, durationMs: 5 }));
  await expectSteps(id, ['recordStepFailure'], () => services().steps.record(c, { id, leaseToken: token, name: 'tool', durationMs: 5, error: { message: 'threw' } }));
  await expectSteps(id, ['reportProgress'], () => t.app.live.reportProgress(c, id, token, { tokens: 10 }));
  await expectSteps(id, ['appendStream'], () => t.app.live.streams.append(c, id, token, 'out', ['a', 'b']));
  await expectSteps(id, ['closeStream'], () => t.app.live.streams.close(c, id, token, 'out'));
  await expectSteps(id, ['signal'], () => services().waits.signalIntent(c, { id, name: 'later' }));
  await expectSteps(id, ['complete'], () => services().intents.complete(c, id, token, { ok: true }));
});

it('fail with attempts left, fail for good, retry one, redrive many', async () => {
  const a = await running({ maxAttempts: 2 });
  await expectSteps(a.id, ['fail'], () => services().intents.fail(c, a.id, a.token, { message: 'again' }));
  const b = await running();
  await expectSteps(b.id, ['fail'], () => services().intents.fail(c, b.id, b.token, { message: 'never', retryable: false }));
  await expectSteps(b.id, ['retry'], () => services().intents.retry(c, b.id));
  const d = await running();
  await services().intents.fail(c, d.id, d.token, { message: 'never', retryable: false });
  await expectSteps(d.id, ['retry'], () => services().operator.redrive(c, { types: [d.type] }));
});

it('cancel, and a signal to a PENDING intent', async () => {
  const type = freshType();
  const { id } = await services().intents.submit(c, { type });
  await expectSteps(id, ['signal'], () => services().waits.signalIntent(c, { id, name: 'note' }));
  await expectSteps(id, ['cancel'], () => services().intents.cancel(c, id, 'not needed'));
});

it('waits and their wake-ups: a timer, a signal, a signal timeout, children already done', async () => {
  const sleeper = await running();
  await expectSteps(sleeper.id, ['wait'], () => services().waits.sleep(c, { id: sleeper.id, leaseToken: sleeper.token, until: later(10) }));
  await expectSteps(sleeper.id, ['signal'], () => services().waits.signalIntent(c, { id: sleeper.id, name: 'other' }));
  clock.advance(11_000);
  await expectSteps(sleeper.id, ['wake'], sweep);

  const waiter = await running();
  await expectSteps(waiter.id, ['wait'], () => services().waits.waitForSignal(c, { id: waiter.id, leaseToken: waiter.token, name: 'go' }));
  await expectSteps(waiter.id, ['signal'], () => services().waits.signalIntent(c, { id: waiter.id, name: 'go' }));

  const timing = await running();
  await expectSteps(timing.id, ['wait'], () =>
    services().waits.waitForSignal(c, { id: timing.id, leaseToken: timing.token, name: 'never', timeoutSeconds: 5 }));
  clock.advance(6_000);
  await expectSteps(timing.id, ['timeOutWait'], sweep);

  const parent = await running();
  await expectSteps(parent.id, ['wait', 'wake'], () => services().waits.waitForChildren(c, { id: parent.id, leaseToken: parent.token }));
});

it('approvals: resolved, and timed out each way', async () => {
  const asked = await running();
  let approvalId = '';
  await expectSteps(asked.id, ['requestApproval'], async () => {
    approvalId = (await services().approvals.requestApproval(c, { id: asked.id, leaseToken: asked.token, approval: { title: 'ok?' } })).id;
  });
  await expectSteps(asked.id, ['resolveApproval'], () => services().approvals.resolveApproval(c, { approvalId, outcome: 'approve' }));

  for (const onTimeout of ['REJECT', 'FAIL', 'ESCALATE'] as const) {
    const r = await running();
    await services().approvals.requestApproval(c, {
      id: r.id, leaseToken: r.token, approval: { title: onTimeout, timeoutSeconds: 5, onTimeout, escalateTo: ['boss'] },
    });
    clock.advance(6_000);
    await expectSteps(r.id, ['timeOutApproval'], sweep);
  }
});

it('a lease that expires with attempts left and for good, and a deadline', async () => {
  const r = await running({ maxAttempts: 2, leaseSeconds: 5 });
  clock.advance(6_000);
  await expectSteps(r.id, ['expireLease'], sweep);
  clock.advance(3_600_000); // past the retry backoff
  await services().intents.claim(c, { types: [r.type], leaseSeconds: 5 });
  clock.advance(6_000);
  await expectSteps(r.id, ['expireLease'], sweep);

  const late = await running({ deadline: later(5) });
  clock.advance(6_000);
  await expectSteps(late.id, ['expireDeadline'], sweep);
});

it('worker sessions: a holder releases unstarted work; an ended session releases with attempts left and for good', async () => {
  const r = await running();
  await expectSteps(r.id, ['releaseIntent'], () => services().intents.release(c, r.id, r.token));

  const type = freshType();
  const { id } = await services().intents.submit(c, { type, maxAttempts: 2 });
  for (const to of ['PENDING', 'FAILED']) {
    const s = await services().workers.register(c, { name: 'w', identity: 'transitions', types: [type] });
    await services().intents.claim(c, { types: [type], workerId: s.session.id });
    await expectSteps(id, ['releaseLease'], () => services().workers.stop(c, s.session.id));
    expect((await services().intents.get(c, id))!.status).toBe(to);
  }
});

it('a fork: submitted, with each copied step a STEP_COMPLETED record of the PENDING fork', async () => {
  const r = await running();
  await services().steps.record(c, { id: r.id, leaseToken: r.token, name: 'one', output: 1, durationMs: 1 });
  let forkId = '';
  await expectSteps(() => forkId, ['fork', 'copyStep'], async () => {
    forkId = (await services().forks.fork(c, { id: r.id })).id;
  });
});

it('a budget crossed: the next lease call fails the intent (FAIL) or makes it wait (WAIT), and a human stops it', async () => {
  const over = async (onExceeded: 'FAIL' | 'WAIT') => {
    const type = freshType();
    const { id } = await services().intents.submit(c, { type, budget: { maxTokens: 10, onExceeded } });
    const { token } = (await services().intents.claim(c, { types: [type] }))!;
    await services().steps.record(c, { id, leaseToken: token, name: 'llm', output: 1, durationMs: 1, usage: [{ model: 'm', inputTokens: 20 }] });
    return { id, token };
  };
  const f = await over('FAIL');
  await expectSteps(f.id, ['exceedBudget'], () => services().intents.heartbeat(c, f.id, f.token, 60).catch(() => {}));
  const w = await over('WAIT');
  await expectSteps(w.id, ['exceedBudget'], () => services().intents.checkpoint(c, w.id, w.token, {}).catch(() => {}));
  const [approval] = (await services().approvals.approvals(c, { intentId: w.id, statuses: ['PENDING'] })).approvals;
  await expectSteps(w.id, ['stopOverBudget'], () => services().approvals.resolveApproval(c, { approvalId: approval!.id, outcome: 'stop' }));
});

it('failure escalation: a failure with no retry left waits for a human, whose retry puts it back and whose fail ends it', async () => {
  const type = freshType();
  const { id } = await services().intents.submit(c, { type, maxAttempts: 1, retry: { onExhausted: 'ESCALATE' } });
  for (const [outcome, to] of [['retry', 'PENDING'], ['fail', 'FAILED']] as const) {
    const lease = (await services().intents.claim(c, { types: [type] }))!;
    await expectSteps(id, ['escalateFailure'], () => services().intents.fail(c, id, lease.token, { message: 'boom' }));
    const [approval] = (await services().approvals.approvals(c, { intentId: id, statuses: ['PENDING'] })).approvals;
    await expectSteps(id, ['decideEscalation'], () => services().approvals.resolveApproval(c, { approvalId: approval!.id, outcome }));
    expect((await services().intents.get(c, id))!.status).toBe(to);
  }
});

it('every action and every target the table lists was reached', () => {
  const expected = Object.fromEntries(ACTIONS.map((a) => [a, Object.keys(TRANSITIONS[a].to).sort()]));
  const got = Object.fromEntries(ACTIONS.map((a) => [a, [...(reached.get(a) ?? [])].sort()]));
  expect(got).toEqual(expected);
});
