/**
 * Group commit for step records, as write-groups.ts does for submits, claims and
 * completes: records of many runs that arrive while a batch is being written go
 * together in the next statement (store/record-steps.ts). Under load a run's steps
 * share commits with other runs' steps; an idle server writes each at once.
 */
import { Coalescer, type Pending } from './coalesce.ts';
import type { Commit } from './commit.ts';
import type { Caller } from '../core/caller.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/log.ts';
import type { IntentStep } from '../core/model.ts';
import type { StepRecord } from '../store/steps.ts';
import { recordSteps } from '../store/record-steps.ts';

/** Records one statement writes at most; with outputs up to MAX_BATCHED_OUTPUT_BYTES each, ≤ 4 MiB a statement. */
const MAX_RECORDS_PER_STATEMENT = 256;
/** A larger output goes alone: batching saves per-statement costs, which a large row dwarfs. */
export const MAX_BATCHED_OUTPUT_BYTES = 16 * 1024;

export interface QueuedStep {
  c: Caller;
  id: string;
  token: string;
  record: StepRecord;
  now: Date;
}

/** Writes one record the way a lone recordStep does: it records it or throws why not. */
export type WriteAlone = (s: QueuedStep) => Promise<IntentStep>;

export class StepGroups {
  private readonly commit: Commit;
  private readonly clock: Clock;
  private readonly alone: WriteAlone;
  private readonly log: Logger;
  private readonly steps = new Coalescer<QueuedStep, IntentStep>((b) => this.write(b), { maxItems: MAX_RECORDS_PER_STATEMENT });

  constructor(commit: Commit, clock: Clock, alone: WriteAlone, log: Logger) {
    this.commit = commit;
    this.clock = clock;
    this.alone = alone;
    this.log = log;
  }

  /** Records a batchable record (store/record-steps.ts), alone when no other arrives meanwhile. */
  record(s: QueuedStep): Promise<IntentStep> {
    return this.steps.run(s);
  }

  /**
   * One statement per namespace and actor (the events' actor is one parameter); a group
   * of one is written alone, by the single statement. A record the batch left out is
   * written alone after it, which answers it (a first result of that name) or says why
   * not. When the database refuses the batch (two records of one name racing, say),
   * nothing of it was written and every record goes alone. Every write of a group takes
   * the group's time, so a run's steps that share a batch keep their times in seq order.
   */
  private async write(batch: Pending<QueuedStep, IntentStep>[]): Promise<void> {
    const groups = Map.groupBy(batch, (p) => `${p.item.c.namespace}\n${p.item.c.principal ?? ''}`);
    await Promise.all([...groups.values()].map(async (group) => {
      const { namespace, principal } = group[0]!.item.c;
      const now = this.clock.now();
      const written = group.length === 1 ? null : await this.commit
        .statement(async (q) => {
          const done = await recordSteps(q, namespace, group.map((p) => p.item), principal, now);
          return { done, changes: [...done.values()].map((d) => d.change) };
        })
        .then((w) => w.done, (err: unknown) => {
          this.log.warn({ err, records: group.length }, 'a grouped write of step records failed; writing each alone');
          return null;
        });
      await Promise.all(group.map(async (p, i) => {
        const w = written?.get(i);
        if (w) return p.resolve(w.step);
        await this.alone({ ...p.item, now }).then(p.resolve, p.reject);
      }));
    }));
  }
}
