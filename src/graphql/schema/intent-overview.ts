/**
 * What a dashboard shows above the list: how many intents each status holds, and
 * which types the namespace uses (to suggest when submitting). Both read bounded
 * ranges of indexes, so they cost the same on any table size.
 */
import type { Status } from '../../core/lifecycle.ts';
import type { KnownIntentType as KnownIntentTypeRow } from '../../store/intent-types.ts';
import { builder } from '../builder.ts';
import { listSize } from '../cost.ts';
import { IntentStatus } from './enums.ts';
import { IntentFilter } from './intent.ts';

interface StatusCount {
  status: Status;
  count: number;
  capped: boolean;
}

const IntentStatusCount = builder.objectRef<StatusCount>('IntentStatusCount').implement({
  fields: (t) => ({
    status: t.expose('status', { type: IntentStatus }),
    count: t.exposeInt('count', { description: 'At most the cap: with `capped` it means "at least this many".' }),
    capped: t.exposeBoolean('capped', { description: 'The count reached the cap; there may be more.' }),
  }),
});

const IntentCounts = builder.objectRef<{ cap: number; byStatus: StatusCount[] }>('IntentCounts').implement({
  description: 'Intents per status under a filter. Each count stops at `cap`, so the answer stays cheap on a table of millions.',
  fields: (t) => ({
    byStatus: t.field({
      type: [IntentStatusCount],
      description: 'Every status the filter admits (all six without a status filter), in lifecycle order.',
      extensions: listSize({ default: 6 }),
      resolve: (c) => c.byStatus,
    }),
    total: t.int({ description: 'The sum of the counts: a lower bound when `capped`.', resolve: (c) => c.byStatus.reduce((n, s) => n + s.count, 0) }),
    cap: t.exposeInt('cap'),
    capped: t.boolean({ description: 'Some status reached the cap.', resolve: (c) => c.byStatus.some((s) => s.capped) }),
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
    description: 'How many intents of each status match the filter, each counted up to `cap`.',
    args: {
      filter: t.arg({ type: IntentFilter }),
      cap: t.arg.int({ description: 'Counts stop here, 1–100000. Default 10000.' }),
    },
    resolve: async (_r, a, ctx) => {
      const f = a.filter;
      const filter = f ? { statuses: f.status, types: f.type, parentId: f.parentId ?? null, labels: f.label } : null;
      const { cap, counts } = await ctx.services.intents.countByStatus(ctx.caller, filter, a.cap);
      return { cap, byStatus: counts.map((c) => ({ ...c, capped: c.count >= cap })) };
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
