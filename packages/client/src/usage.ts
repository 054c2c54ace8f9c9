/**
 * LLM usage for run.step (issue 19): read from OpenAI-compatible responses, so a step
 * that calls a model records its tokens and cost with one option.
 */
import type { LlmCallInput } from './generated/graphql.ts';

export type LlmUsage = LlmCallInput;

/** How run.step finds the usage of its result: `'openai'` reads it with usageOf, a function returns it. */
export type UsageOption<T> = 'openai' | ((result: T) => LlmUsage[] | LlmUsage | null | undefined);

export interface StepOptions<T> {
  usage?: UsageOption<T>;
  /**
   * The handler returns right after this step: its record goes with the completion, in
   * one request and one commit instead of two. Until then it is not durable: a crash
   * before the completion runs the step again, and code after it must not act on its
   * result outside the run. A later step, checkpoint, wait, child or flush() records it first.
   */
  last?: boolean;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/**
 * The usage of an OpenAI-compatible response: Chat Completions (`usage.prompt_tokens`,
 * `completion_tokens`, `prompt_tokens_details.cached_tokens`) or the Responses API
 * (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`), the model from
 * `response.model`. An array of responses gives one entry each; null when there is none.
 */
export function usageOf(response: unknown, provider?: string): LlmUsage[] {
  if (Array.isArray(response)) return response.flatMap((r) => usageOf(r, provider));
  const r = response as { model?: unknown; usage?: Record<string, unknown> | null } | null;
  const u = r?.usage;
  if (!r || typeof u !== 'object' || u === null) return [];
  const details = (u.prompt_tokens_details ?? u.input_tokens_details) as Record<string, unknown> | null | undefined;
  return [{
    provider: provider ?? null,
    model: typeof r.model === 'string' && r.model ? r.model : 'unknown',
    inputTokens: count(u.prompt_tokens ?? u.input_tokens) ?? 0,
    outputTokens: count(u.completion_tokens ?? u.output_tokens) ?? 0,
    cachedTokens: count(details?.cached_tokens) ?? 0,
  }];
}

/** The usage a step's option finds in its result; a broken option records none rather than failing the step. */
export function usageFor<T>(option: UsageOption<T> | undefined, result: T): LlmUsage[] {
  if (!option) return [];
  try {
    const u = option === 'openai' ? usageOf(result) : option(result);
    return u == null ? [] : Array.isArray(u) ? u : [u];
  } catch {
    return [];
  }
}
