/**
 * Durable steps (issue 18 part 2): a step's result or error recorded under the lease,
 * once, in its own row with its own size limit (AXME_MAX_STEP_BYTES), apart from the
 * checkpoint and its limit. Readers get the records without outputs, and an output
 * only when they ask for it.
 */
import type { Caller } from '../core/caller.ts';
import { AxmeError, badInput } from '../core/errors.ts';
import type { Intent, IntentStep, StepError } from '../core/model.ts';
import * as v from '../core/validate.ts';
import * as store from '../store/steps.ts';
import { completeWithStep } from '../store/last-step.ts';
import { batchable } from '../store/record-steps.ts';
import { MAX_BATCHED_OUTPUT_BYTES, StepGroups } from './step-groups.ts';
import { type UsageInput, validateUsage } from '../core/usage.ts';
import { type ItemError, Service } from './deps.ts';
import { MAX_ITEMS_PER_STATEMENT } from './write-groups.ts';
import { countLlmUsage } from '../telemetry/metrics.ts';
import { traceLlmUsage } from '../telemetry/tracing.ts';

export interface RecordStepInput {
  id: string;
  leaseToken: string;
  name: string;
  output?: unknown;
  durationMs: number;
  error?: { message: string; code?: string | null; details?: unknown } | null;
  /** Model calls the step made (a failed step's too: they were spent). */
  usage?: readonly UsageInput[] | null;
}

/** One item's outcome in recordSteps: the step recorded (or the one its name already had), or why not. */
export interface StepResult {
  id: string;
  step?: IntentStep;
  error?: ItemError;
}

/** A successful step sent with the completion (completeIntent's lastStep). */
export type LastStepInput = Pick<RecordStepInput, 'name' | 'output' | 'durationMs' | 'usage'>;

/** Longest step a record may claim: a week, in milliseconds. */
const MAX_DURATION_MS = 7 * 86_400_000;

export class StepService extends Service {
  private readonly groups = new StepGroups(this.commit, this.clock, (s) => this.writeOnce(s.c, s.id, s.token, s.record, s.now, false), this.log);

  /**
   * Records many steps, each as `record` would and each with its own answer, in item
   * order: the step, or the error that refused it. They go together, so steps of many
   * runs share the grouped statements (step-groups.ts) one request brought.
   */
  async recordMany(c: Caller, items: readonly RecordStepInput[]): Promise<StepResult[]> {
    if (items.length > MAX_ITEMS_PER_STATEMENT) throw badInput(`at most ${MAX_ITEMS_PER_STATEMENT} items per request`, { limit: MAX_ITEMS_PER_STATEMENT });
    return Promise.all(items.map((a) => this.record(c, a).then(
      (step): StepResult => ({ id: String(a.id), step }),
      (e: unknown): StepResult => ({ id: String(a.id), error: this.itemError(e) }),
    )));
  }

  /** Records one step; a second result under a name that has one answers the first (written once). */
  async record(c: Caller, a: RecordStepInput): Promise<IntentStep> {
    const [id, token] = [v.id('id', a.id), v.id('leaseToken', a.leaseToken)];
    return this.recordValid(c, id, token, this.validRecord(a));
  }

  private async recordValid(c: Caller, id: string, token: string, rec: store.StepRecord): Promise<IntentStep> {
    const now = this.clock.now();
    return this.leaseCall(c.namespace, id, token, async () => {
      try {
        // a small result without model calls may share its statement with other runs' steps
        if (batchable(rec) && rec.outputBytes <= MAX_BATCHED_OUTPUT_BYTES) return await this.groups.record({ c, id, token, record: rec, now });
        return await this.writeOnce(c, id, token, rec, now, false);
      } catch (e) {
        if (!(e instanceof AxmeError && e.code === 'BUDGET_EXCEEDED')) throw e;
        // the step ran and spent its tokens before its record found the budget crossed: keep
        // the record (a resumed run does not call it again, and its usage counts), then refuse
        await this.writeOnce(c, id, token, rec, now, true).catch(() => {});
        throw e;
      }
    });
  }

  private async writeOnce(c: Caller, id: string, token: string, rec: store.StepRecord, now: Date, overBudget: boolean): Promise<IntentStep> {
    try {
      return await this.write(c, id, token, rec, now, overBudget);
    } catch (e) {
      // two records of one name raced past the check: the loser reads the winner's
      if ((e as { code?: unknown }).code !== '23505') throw e;
      return this.write(c, id, token, rec, now, overBudget);
    }
  }

  private validRecord(a: Omit<RecordStepInput, 'id' | 'leaseToken'>, field = ''): store.StepRecord {
    const name = v.text(`${field}name`, a.name, 200) ?? '';
    const durationMs = v.intInRange(`${field}durationMs`, a.durationMs, 0, 0, MAX_DURATION_MS);
    const error: StepError | null = a.error
      ? { message: v.text(`${field}error.message`, a.error.message, 10_000) ?? '', code: v.text(`${field}error.code`, a.error.code, 200), details: a.error.details ?? null }
      : null;
    if (error) v.payload(`${field}error`, error, this.config.maxPayloadBytes);
    const output = error ? null : this.output(a.output, `${field}output`);
    const usage = validateUsage(a.usage, this.config.prices);
    return { name, outputJson: output, outputBytes: output ? Buffer.byteLength(output) : 0, durationMs, error, usage };
  }

  /**
   * The run's last step and the completion with `output` (already validated) in one
   * statement: one request, one commit. Null when that statement cannot do it (a child
   * intent, a name that has a result, model usage, whose rows take a transaction, a
   * stale lease): the step is then recorded on its own here (a stale lease throws as
   * recordStep would) and the caller completes the intent the usual way.
   */
  async completeWithLast(c: Caller, id: string, token: string, last: LastStepInput, output: unknown): Promise<Intent | null> {
    const rec = this.validRecord(last, 'lastStep.');
    if (rec.usage.length === 0) {
      const now = this.clock.now();
      const { changes } = await this.commit.statement(async (q) => ({ changes: (await completeWithStep(q, c.namespace, id, token, rec, output, c.principal, now)) ?? [] }))
        .catch((e: unknown) => {
          // a record of that name committed meanwhile: the path below answers with it
          if ((e as { code?: unknown }).code === '23505') return { changes: [] };
          throw e;
        });
      if (changes.length) return changes.at(-1)!.intent;
    }
    await this.recordValid(c, id, token, rec);
    return null;
  }

  private async write(c: Caller, id: string, token: string, rec: store.StepRecord, now: Date, overBudget: boolean): Promise<IntentStep> {
    // one statement writes the event and the row (store/steps.ts): no BEGIN/COMMIT round trips;
    // a step with model calls also writes its usage rows, so it takes a transaction
    const write = rec.usage.length ? this.commit : this.commit.statement;
    const { step, fresh } = await write(async (q) => {
      const r = await store.recordStep(q, c.namespace, id, token, rec, c.principal, now, overBudget);
      return { step: r.step, fresh: r.change !== null, changes: r.change ? [r.change] : [] };
    });
    // only a record written now spent tokens; one answered from an earlier record did not
    if (fresh) {
      countLlmUsage(rec.usage);
      traceLlmUsage(rec.usage);
    }
    return step;
  }

  /** The output as stored JSON, within the step limit (its own code detail says which limit). */
  private output(value: unknown, field = 'output'): string {
    try {
      v.payload(field, value ?? null, this.config.maxStepBytes);
    } catch (e) {
      if (e instanceof AxmeError && e.code === 'PAYLOAD_TOO_LARGE') {
        throw new AxmeError('PAYLOAD_TOO_LARGE', `${e.message} (AXME_MAX_STEP_BYTES, per step)`, { ...e.details, limitName: 'AXME_MAX_STEP_BYTES' });
      }
      throw e;
    }
    return JSON.stringify(value ?? null);
  }

  /** The first `limit` step records of each intent (of one name, if given), for loaders. */
  async ofMany(c: Caller, ids: readonly string[], limit: number, name: string | null = null): Promise<Map<string, IntentStep[]>> {
    return store.listStepsOfMany(this.db, c.namespace, ids, limit, name);
  }

  /** Outputs by `${intentId}/${seq}`, for the output loader. */
  async outputs(c: Caller, keys: readonly { intentId: string; seq: number }[]): Promise<Map<string, unknown>> {
    return store.stepOutputs(this.db, c.namespace, keys);
  }
}
