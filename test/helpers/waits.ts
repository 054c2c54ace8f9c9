import { expect } from 'vitest';
import type { ManualClock } from '../../src/core/clock.ts';
import { ok, type TestApp } from './app.ts';

export const SUBMIT = `mutation($input: SubmitIntentInput!) { submitIntent(input: $input) { id status } }`;
export const CLAIM = `mutation($input: ClaimIntentInput!) { claimIntent(input: $input) { token intent { id status checkpoint } } }`;
export const CHECKPOINT = `mutation($input: CheckpointIntentInput!) { checkpointIntent(input: $input) { id } }`;
export const COMPLETE = `mutation($input: CompleteIntentInput!) { completeIntent(input: $input) { id status output } }`;
export const APPROVAL_FIELDS = `id intentId status options assignees outcome comment data resolvedBy resolvedAt requestedBy expiresAt escalatedFromId onTimeout`;
export const REQUEST = `mutation($input: RequestApprovalInput!) { requestApproval(input: $input) { ${APPROVAL_FIELDS} intent { status waitingFor lease { agent } } } }`;
export const RESOLVE = `mutation($input: ResolveApprovalInput!) { resolveApproval(input: $input) { ${APPROVAL_FIELDS} } }`;
export const READ = `query($id: ID!) { intent(id: $id) { id status waitingFor checkpoint output error { code }
  approvals { ${APPROVAL_FIELDS} } signals { name payload consumedAt sentBy }
  lastWake { kind actor data } events { seq kind status waitingFor actor data } } }`;

export function waitHelpers(t: TestApp) {
  let n = 0;
  const clock = t.clock as ManualClock;
  const helpers = {
    clock,
    uniqueType: () => `waits.t${++n}.${Math.random().toString(36).slice(2, 8)}`,
    submit: async (input: Record<string, unknown>) => ok(await t.gql(SUBMIT, { input })).submitIntent as { id: string; status: string },
    claim: async (type: string) => {
      const lease = ok(await t.gql(CLAIM, { input: { types: [type], agent: 'agent-7' } })).claimIntent;
      expect(lease).not.toBeNull();
      return lease as { token: string; intent: { id: string; status: string; checkpoint: unknown } };
    },
    /** A RUNNING intent of a fresh type with a checkpoint saved. */
    running: async (extra: Record<string, unknown> = {}) => {
      const type = helpers.uniqueType();
      const { id } = await helpers.submit({ type, ...extra });
      const lease = await helpers.claim(type);
      ok(await t.gql(CHECKPOINT, { input: { id, leaseToken: lease.token, checkpoint: { step: 'before-wait' } } }));
      return { id, type, token: lease.token };
    },
    read: async (id: string) => ok(await t.gql(READ, { id })).intent,
    kinds: async (id: string) => (await helpers.read(id)).events.map((e: { kind: string }) => e.kind) as string[],
    /** Claims again, sees the checkpoint, completes. */
    resumeAndComplete: async (type: string, id: string) => {
      const lease = await helpers.claim(type);
      expect(lease.intent).toMatchObject({ id, status: 'RUNNING', checkpoint: { step: 'before-wait' } });
      const done = ok(await t.gql(COMPLETE, { input: { id, leaseToken: lease.token, output: { ok: true } } })).completeIntent;
      expect(done.status).toBe('COMPLETED');
    },
  };
  return helpers;
}
