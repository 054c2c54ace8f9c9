/**
 * What a dashboard shows above the list: how many intents each status holds, and
 * which types the namespace uses (to suggest when submitting). Both read bounded
 * ranges of indexes, so they cost about the same on any table size.
 */
import type { KnownIntentType as KnownIntentTypeRow } from '../../store/intent-types.ts';
import type { StatusCount } from '../../store/list.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { IntentStatus } from './enums.ts';
import { IntentFilter } from './intent.ts';

const IntentStatusCount = builder.objectRef<StatusCount>('IntentStatusCount').implement({
  fields: (t) => ({
    status: t.expose('status', { type: IntentStatus }),
    count: t.exposeInt('count', { description: 'Exact up to the cap; beyond it, the planner’s estimate (never below the cap).' }),
    exact: t.exposeBoolean('exact', { description: 'False when more than `cap` match and `count` is an estimate.' }),
  }),
});

const IntentCounts = builder.objectRef<{ cap: number; byStatus: StatusCount[] }>('IntentCounts').implement({
  description: 'Intents per status under a filter: exact up to `cap` each, estimated beyond, so the answer stays cheap on a table of millions.',
  fields: (t) => ({
    byStatus: t.field({
      type: [IntentStatusCount],
      description: 'Every status the filter admits (all six without a status filter), in lifecycle order.',
      extensions: listSize({ default: 6 }),
      resolve: (c) => c.byStatus,
    }),
    total: t.int({ description: 'The sum of the counts: an estimate unless `exact`.', resolve: (c) => c.byStatus.reduce((n, s) => n + s.count, 0) }),
    cap: t.exposeInt('cap', { description: 'How far each status is counted exactly.' }),
    exact: t.boolean({ description: 'Every count is exact.', resolve: (c) => c.byStatus.every((s) => s.exact) }),
  }),
});

const KnownIntentType = builder.objectRef<KnownIntentTypeRow>('KnownIntentType').implement({
  description: 'A type the namespace uses. Axme keeps no registry of types or input schemas: this is what the data shows.',
  fields: (t) => ({
    type: t.exposeString('type'),
    recent: t.exposeInt('recent', { description: 'Intents of this type among the namespace’s newest `window`.' }),
    lastSubmittedAt: t.expose('lastSubmittedAt', { type: 'DateTime', nullable: true }),
    exampleInput: t.expose('exampleInput', { type: 'JSON', nullable: true, description: 'The input of the newest intent of this type in the window: the shape agents have used.' }),
    paused: t.exposeBoolean('paused'),
    hasPolicy: t.exposeBoolean('hasPolicy', { description: 'The type has its own retry policy.' }),
  }),
});

builder.queryFields((t) => ({
  intentCounts: t.field({
    type: IntentCounts,
    description: 'How many intents of each status match the filter: exact up to `cap` each, the planner’s estimate beyond.',
    args: {
      filter: t.arg({ type: IntentFilter }),
      cap: t.arg.int({ description: 'Count exactly up to this many per status, 1–100000. Default 1000.' }),
    },
    resolve: async (_r, a, ctx) => {
      const f = a.filter;
      const filter = f ? { statuses: f.status, types: f.type, parentId: f.parentId ?? null, labels: f.label } : null;
      const { cap, counts } = await ctx.services.intents.countByStatus(ctx.caller, filter, a.cap);
      return { cap, byStatus: counts };
    },
  }),
  intentTypes: t.field({
    type: [KnownIntentType],
    description: 'The intent types in use: those among the newest `window` intents, and those with a policy or a pause. At most 500, by name.',
    args: { window: t.arg.int({ description: 'How many of the newest intents to look at, 1–10000. Default 1000.' }) },
    extensions: listSize({ default: 500 }),
    resolve: (_r, a, ctx) => ctx.services.intents.knownTypes(ctx.caller, a.window ?? undefined),
  }),
}));
