/**
 * Durable steps (issue 18 part 2): a step's result or error recorded under the lease,
 * once, in its own row with its own size limit (AXME_MAX_STEP_BYTES), apart from the
 * checkpoint and its limit. Readers get the records without outputs, and an output
 * only when they ask for it.
 */
import type { Caller } from '../core/caller.ts';
import { AxmeError } from '../core/errors.ts';
import type { IntentStep, StepError } from '../core/model.ts';
import * as v from '../core/validate.ts';
import * as store from '../store/steps.ts';
import { type UsageInput, validateUsage } from '../core/usage.ts';
import { Service } from './deps.ts';
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

/** Longest step a record may claim: a week, in milliseconds. */
const MAX_DURATION_MS = 7 * 86_400_000;

export class StepService extends Service {
  /** Records one step; a second result under a name that has one answers the first (written once). */
  async record(c: Caller, a: RecordStepInput): Promise<IntentStep> {
    const [id, token] = [v.id('id', a.id), v.id('leaseToken', a.leaseToken)];
    const name = v.text('name', a.name, 200) ?? '';
    const durationMs = v.intInRange('durationMs', a.durationMs, 0, 0, MAX_DURATION_MS);
    const error: StepError | null = a.error
      ? { message: v.text('error.message', a.error.message, 10_000) ?? '', code: v.text('error.code', a.error.code, 200), details: a.error.details ?? null }
      : null;
    if (error) v.payload('error', error, this.config.maxPayloadBytes);
    const output = error ? null : this.output(a.output);
    const usage = validateUsage(a.usage, this.config.prices);
    const rec: store.StepRecord = { name, outputJson: output, outputBytes: output ? Buffer.byteLength(output) : 0, durationMs, error, usage };
    const now = this.clock.now();
    return this.leaseCall(c.namespace, id, token, async () => {
      try {
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
  private output(value: unknown): string {
    try {
      v.payload('output', value ?? null, this.config.maxStepBytes);
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
