/**
 * LLM usage a step reports (issue 19): tokens per model call and their cost in USD, given
 * by the caller or priced from the operator's table (AXME_PRICES). Pure: validation and
 * arithmetic only; storage is store/usage.ts.
 */
import { badInput } from './errors.ts';

/** One model call as a step reported it. inputTokens include cachedTokens (OpenAI's convention). */
export interface UsageInput {
  provider?: string | null;
  model: string;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cachedTokens?: number | null;
  costUsd?: number | null;
}

/** A validated, priced call: costUsd null when neither given nor priceable. */
export interface Usage {
  provider: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number | null;
}

/** A sum of calls: what Intent.usage and the rollups answer. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** The cost of the priced calls; `unpricedCalls` says how many it leaves out. */
  costUsd: number;
  unpricedCalls: number;
}

/** USD per million tokens of one model. `cached` defaults to `input`. */
export interface Price {
  input: number;
  output: number;
  cached?: number;
}

/** Model name (or `provider/model`, looked up first) → price. */
export type PriceTable = ReadonlyMap<string, Price>;

export const EMPTY_TOTALS: UsageTotals = { calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, unpricedCalls: 0 };

/** Model calls one step may report. */
export const MAX_CALLS_PER_STEP = 100;
/** Tokens one call may report: far beyond any context window, short of absurd. */
export const MAX_TOKENS_PER_CALL = 1_000_000_000;
/** Cost one call may report, in USD. */
export const MAX_COST_PER_CALL = 100_000;

const NAME = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

function tokens(field: string, v: number | null | undefined): number {
  if (v == null) return 0;
  if (!Number.isInteger(v) || v < 0 || v > MAX_TOKENS_PER_CALL) {
    throw badInput(`${field} must be a whole number from 0 to ${MAX_TOKENS_PER_CALL}`, { field, value: v });
  }
  return v;
}

function label(field: string, v: string): string {
  if (!NAME.test(v)) throw badInput(`${field} must be 1–200 printable ASCII characters`, { field });
  return v;
}

/** The cost of one call from the table, or null when the model has no price. */
export function priceOf(prices: PriceTable, u: Omit<Usage, 'costUsd'>): number | null {
  const p = (u.provider ? prices.get(`${u.provider}/${u.model}`) : undefined) ?? prices.get(u.model);
  if (!p) return null;
  const uncached = u.inputTokens - u.cachedTokens;
  return (uncached * p.input + u.cachedTokens * (p.cached ?? p.input) + u.outputTokens * p.output) / 1_000_000;
}

/** Validates a step's reported calls and prices those without a cost. BAD_USER_INPUT with the field named. */
export function validateUsage(list: readonly UsageInput[] | null | undefined, prices: PriceTable): Usage[] {
  if (list == null) return [];
  if (list.length > MAX_CALLS_PER_STEP) throw badInput(`usage may list at most ${MAX_CALLS_PER_STEP} model calls`, { field: 'usage' });
  return list.map((u, i) => {
    const f = `usage[${i}]`;
    const base = {
      provider: u.provider == null ? null : label(`${f}.provider`, u.provider),
      model: label(`${f}.model`, u.model ?? ''),
      inputTokens: tokens(`${f}.inputTokens`, u.inputTokens),
      outputTokens: tokens(`${f}.outputTokens`, u.outputTokens),
      cachedTokens: tokens(`${f}.cachedTokens`, u.cachedTokens),
    };
    if (base.cachedTokens > base.inputTokens) {
      throw badInput(`${f}.cachedTokens must not exceed inputTokens (cached tokens are part of the input)`, { field: `${f}.cachedTokens` });
    }
    const c = u.costUsd;
    if (c != null && (!Number.isFinite(c) || c < 0 || c > MAX_COST_PER_CALL)) {
      throw badInput(`${f}.costUsd must be from 0 to ${MAX_COST_PER_CALL}`, { field: `${f}.costUsd`, value: c });
    }
    return { ...base, costUsd: c ?? priceOf(prices, base) };
  });
}

/**
 * Parses AXME_PRICES' JSON: `{ "<model or provider/model>": { "input": USD per 1M, "output": …, "cached"?: … } }`.
 * Answers the problems found (one line each) instead of throwing, for config's report.
 */
export function parsePrices(text: string, source: string): { prices: Map<string, Price>; problems: string[] } {
  const prices = new Map<string, Price>();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { prices, problems: [`${source}: not JSON (${(e as Error).message})`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { prices, problems: [`${source}: expected an object of model → { input, output, cached? } in USD per million tokens`] };
  }
  const problems: string[] = [];
  const usd = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1_000_000;
  for (const [model, p] of Object.entries(raw)) {
    const q = p as Record<string, unknown> | null;
    if (!q || typeof q !== 'object' || !usd(q.input) || !usd(q.output) || (q.cached !== undefined && !usd(q.cached))) {
      problems.push(`${source}: ${model}: expected { input, output, cached? }, numbers from 0 to 1000000 (USD per million tokens)`);
      continue;
    }
    prices.set(model, { input: q.input as number, output: q.output as number, ...(q.cached !== undefined ? { cached: q.cached as number } : {}) });
  }
  return { prices, problems };
}
