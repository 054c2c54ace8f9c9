/**
 * What a durable wait returns once the intent is claimed again: read from the wake
 * that ended the wait (Intent.lastWake) and the approval, signal or children it names.
 */
import type { AxmeClient, Approval } from './client.ts';
import * as ops from './generated/graphql.ts';

export type WaitKind = 'approval' | 'signal' | 'children' | 'sleep';

/** One wait as the SDK checkpoint records it, keyed by call order or an explicit name. */
export interface WaitRecord {
  kind: WaitKind;
  /** Intent.lastSeq before the wait: only a wake after it can have ended this wait. */
  sinceSeq: number;
  name?: string;
  until?: string;
  done?: boolean;
  result?: unknown;
}

export type Wake = { seq: number; kind: string; data: unknown; at: string };

export interface ApprovalDecision {
  approvalId: string;
  outcome: string;
  /** outcome === 'approve' */
  approved: boolean;
  comment: string | null;
  data: unknown;
  resolvedBy: string | null;
  /** Nobody decided in time: the approval's onTimeout REJECT applied. */
  timedOut: boolean;
  approval: Approval | null;
}

export type SignalResult =
  | { timedOut: false; name: string; payload: unknown; sentBy: string | null; receivedAt: string }
  | { timedOut: true; name: string; payload: null };

export interface ChildResult {
  id: string;
  type: string;
  status: string;
  output: unknown;
  error: { message: string; code: string | null; retryable: boolean; details: unknown } | null;
}

export interface ChildrenResult {
  children: ChildResult[];
  /** Every child COMPLETED. */
  allCompleted: boolean;
}

const wakeData = (w: Wake) => (w.data ?? {}) as Record<string, unknown>;

/** The wait's result, or undefined when the wake is not one that ends this kind of wait (ask again). */
export async function outcomeOf(client: AxmeClient, intentId: string, rec: WaitRecord, wake: Wake): Promise<unknown> {
  const d = wakeData(wake);
  switch (rec.kind) {
    case 'approval': {
      if (d.wake !== 'APPROVAL' && d.wake !== 'APPROVAL_TIMEOUT') return undefined;
      const q = await client.request(ops.ApprovalOutcomeDocument, { id: intentId });
      const a = q.intent?.approvals.find((x) => x.id === d.approvalId) ?? null;
      const outcome = String(a?.outcome ?? d.outcome);
      const r: ApprovalDecision = {
        approvalId: String(d.approvalId),
        outcome,
        approved: outcome === 'approve',
        comment: a?.comment ?? (d.comment as string | null | undefined) ?? null,
        data: a?.data ?? null,
        resolvedBy: a?.resolvedBy ?? null,
        timedOut: d.wake === 'APPROVAL_TIMEOUT',
        approval: a,
      };
      return r;
    }
    case 'signal': {
      if (d.wake === 'TIMEOUT') return { timedOut: true, name: rec.name!, payload: null } satisfies SignalResult;
      if (d.wake !== 'SIGNAL' || d.name !== rec.name) return undefined;
      // the signal that woke the wait, a page (the server's default, 100) of its name at a time
      let s: NonNullable<ops.SignalOutcomeQuery['intent']>['signals'][number] | undefined;
      for (let after: string | null = null; ; ) {
        const q: ops.SignalOutcomeQuery = await client.request(ops.SignalOutcomeDocument, { id: intentId, name: rec.name!, after });
        const page = q.intent?.signals ?? [];
        s = page.find((x) => x.id === d.signalId);
        if (s || page.length < 100) break;
        after = page.at(-1)!.id;
      }
      if (!s) return undefined;
      return { timedOut: false, name: s.name, payload: s.payload, sentBy: s.sentBy, receivedAt: s.receivedAt } satisfies SignalResult;
    }
    case 'children': {
      if (d.wake !== 'CHILDREN') return undefined;
      const children: ChildResult[] = [];
      for (let after: string | null = null; ; ) {
        const q: ops.ChildrenOutcomeQuery = await client.request(ops.ChildrenOutcomeDocument, { id: intentId, after });
        children.push(...(q.intent?.children.nodes ?? []));
        if (!q.intent?.children.pageInfo.hasNextPage) break;
        after = q.intent.children.pageInfo.endCursor;
      }
      return { children, allCompleted: children.every((c) => c.status === 'COMPLETED') } satisfies ChildrenResult;
    }
    case 'sleep':
      return d.wake === 'TIME' ? { until: rec.until } : undefined;
  }
}
