/**
 * Races between waits and wakes. On PostgreSQL each side runs on its own connection
 * pool; on PGlite (one connection) they serialize, and the outcome must be the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/types.ts';
import { createLogger } from '../src/core/log.ts';
import type { Caller } from '../src/core/caller.ts';
import { LocalChanges } from '../src/pubsub/local-changes.ts';
import { type Services, createServices } from '../src/services/index.ts';
import { testApp, type TestApp } from './helpers/app.ts';
import { REAL_PG } from './helpers/db.ts';
import { waitHelpers } from './helpers/waits.ts';

let t: TestApp;
let h: ReturnType<typeof waitHelpers>;
let other: Services;
const c: Caller = { namespace: 'default', principal: null };
const ROUNDS = 5;

beforeAll(async () => {
  t = await testApp();
  h = waitHelpers(t);
  const db: Db = REAL_PG ? t.tdb.another() : t.app.db;
  // as another instance would: its own watches, the same pub/sub
  other = createServices({ db, clock: t.clock, pubsub: t.app.pubsub, local: new LocalChanges(), config: t.app.config, log: createLogger('silent') });
});
afterAll(() => t.close());

const waits = () => t.app.services.waits;
const approvals = () => t.app.services.approvals;
const events = async (id: string) => (await h.read(id)).events as { kind: string; status: string; data: Record<string, unknown> | null }[];
const settle = (ps: Promise<unknown>[]) => Promise.allSettled(ps);
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'OK');

describe('races', () => {
  it('two approvers at once: one decision wins, the other gets CONFLICT; the same decision twice both succeed', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { id, token } = await h.running();
      const a = await approvals().requestApproval(c, { id, leaseToken: token, approval: { title: 'go?' } });
      const results = await settle([
        approvals().resolveApproval(c, { approvalId: a.id, outcome: 'approve', resolvedBy: 'alice' }),
        other.approvals.resolveApproval(c, { approvalId: a.id, outcome: 'reject', resolvedBy: 'bob' }),
      ]);
      expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
      const winner = results.findIndex((r) => r.status === 'fulfilled') === 0 ? 'approve' : 'reject';
      expect((await approvals().approval(c, a.id))!.outcome).toBe(winner);
      expect((await events(id)).filter((e) => e.kind === 'APPROVAL_RESOLVED')).toHaveLength(1);
      expect((await h.read(id)).status).toBe('PENDING');
    }
    const { id, token } = await h.running();
    const a = await approvals().requestApproval(c, { id, leaseToken: token, approval: { title: 'go?' } });
    const same = await Promise.all([
      approvals().resolveApproval(c, { approvalId: a.id, outcome: 'approve', comment: 'ok' }),
      other.approvals.resolveApproval(c, { approvalId: a.id, outcome: 'approve', comment: 'ok' }),
    ]);
    expect(same[0]).toEqual(same[1]);
    expect((await events(id)).filter((e) => e.kind === 'APPROVAL_RESOLVED')).toHaveLength(1);
  });

  it('a signal racing its wait: the intent ends PENDING with the signal consumed, woken exactly once', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { id, token } = await h.running();
      const results = await settle([
        waits().waitForSignal(c, { id, leaseToken: token, name: 'go' }),
        other.waits.signalIntent(c, { id, name: 'go', payload: { i } }),
      ]);
      expect(results.map(codeOf)).toEqual(['OK', 'OK']);
      const read = await h.read(id);
      expect(read.status).toBe('PENDING');
      expect(read.signals).toHaveLength(1);
      expect(read.signals[0].consumedAt).toBeTruthy();
      expect((await events(id)).filter((e) => e.status === 'PENDING' && e.data?.wake === 'SIGNAL')).toHaveLength(1);
    }
  });

  it('the last two children finishing at once wake the parent exactly once', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { id, token } = await h.running();
      const childType = h.uniqueType();
      await h.submit({ type: childType, parentId: id });
      await h.submit({ type: childType, parentId: id });
      const l1 = (await t.app.services.intents.claim(c, { types: [childType] }))!;
      const l2 = (await t.app.services.intents.claim(c, { types: [childType] }))!;
      await waits().waitForChildren(c, { id, leaseToken: token });
      const results = await settle([
        t.app.services.intents.complete(c, l1.intent.id, l1.token, { n: 1 }),
        other.intents.complete(c, l2.intent.id, l2.token, { n: 2 }),
      ]);
      expect(results.map(codeOf)).toEqual(['OK', 'OK']);
      expect((await h.read(id)).status).toBe('PENDING');
      expect((await events(id)).filter((e) => e.kind === 'RESUMED')).toHaveLength(1);
    }
  });

  it('cancelling a parent while its children finish: no deadlock, every child ends terminal', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { id, token } = await h.running();
      const childType = h.uniqueType();
      for (let k = 0; k < 3; k++) await h.submit({ type: childType, parentId: id });
      const leases = [];
      for (let k = 0; k < 3; k++) leases.push((await t.app.services.intents.claim(c, { types: [childType] }))!);
      await waits().waitForChildren(c, { id, leaseToken: token });
      const results = await settle([
        other.intents.cancel(c, id, 'stop'),
        ...leases.map((l, k) => (k % 2 ? other.intents : t.app.services.intents).complete(c, l.intent.id, l.token, null)),
      ]);
      for (const r of results) expect(['OK', 'CONFLICT']).toContain(codeOf(r));
      const kids = await t.app.services.intents.list(c, { filter: { parentId: id } });
      expect(kids.intents.every((k) => ['COMPLETED', 'CANCELLED'].includes(k.status))).toBe(true);
      expect(['CANCELLED', 'PENDING']).toContain((await h.read(id)).status);
    }
  });

  it('an approval resolved exactly as it times out: exactly one of the two wins', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { id, token } = await h.running();
      const a = await approvals().requestApproval(c, { id, leaseToken: token, approval: { title: 'go?', timeoutSeconds: 10 } });
      const now = h.clock.advance(10_000);
      const [resolved, swept] = (await settle([
        other.approvals.resolveApproval(c, { approvalId: a.id, outcome: 'approve' }),
        approvals().sweepApprovals(now),
      ])) as [PromiseSettledResult<unknown>, PromiseSettledResult<number>];
      const final = (await approvals().approval(c, a.id))!;
      const kinds = (await events(id)).map((e) => e.kind);
      if (resolved.status === 'fulfilled') {
        expect(final).toMatchObject({ status: 'RESOLVED', outcome: 'approve' });
        expect(kinds).not.toContain('APPROVAL_TIMED_OUT');
      } else {
        expect(codeOf(resolved)).toBe('CONFLICT');
        expect(final).toMatchObject({ status: 'TIMED_OUT', outcome: 'reject' });
        expect(kinds).not.toContain('APPROVAL_RESOLVED');
        expect(swept).toEqual({ status: 'fulfilled', value: 1 });
      }
      expect(kinds.filter((k) => k === 'APPROVAL_RESOLVED' || k === 'APPROVAL_TIMED_OUT')).toHaveLength(1);
      expect((await h.read(id)).status).toBe('PENDING');
    }
  });
});
