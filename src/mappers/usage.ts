import type { SpanReader } from "./span-reader.js";

/**
 * Tokens of one model request. `input` includes the cached (read and written) input tokens and
 * `output` the reasoning tokens, as the AI SDK (5+) and the GenAI conventions count them.
 */
export interface TokenUsage {
  readonly input: number;
  readonly output: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
  readonly total: number;
}

/** Every key each source has used, newest first. */
const KEYS = {
  input: [
    "ai.usage.inputTokens",
    "ai.usage.promptTokens",
    "ai.usage.tokens",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.prompt_tokens",
    "llm.usage.prompt_tokens",
  ],
  output: [
    "ai.usage.outputTokens",
    "ai.usage.completionTokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.completion_tokens",
    "llm.usage.completion_tokens",
  ],
  cachedInput: [
    "ai.usage.inputTokenDetails.cacheReadTokens",
    "ai.usage.cachedInputTokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
  ],
  cacheWrite: [
    "ai.usage.inputTokenDetails.cacheWriteTokens",
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
  ],
  reasoning: [
    "ai.usage.outputTokenDetails.reasoningTokens",
    "ai.usage.reasoningTokens",
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.reasoning_tokens",
  ],
  total: ["ai.usage.totalTokens", "llm.usage.total_tokens"],
} as const;

function count(reader: SpanReader, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value = reader.span.attributes[key];
    const n = typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : Number.NaN;
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  return null;
}

/** The request's usage from whichever keys its instrumentation wrote; undefined when it has none. */
export function tokenUsage(reader: SpanReader): TokenUsage | undefined {
  const input = count(reader, KEYS.input);
  const output = count(reader, KEYS.output);
  const total = count(reader, KEYS.total);
  if (input === null && output === null && total === null) return undefined;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return {
    input: inputTokens,
    output: outputTokens,
    cachedInput: Math.min(count(reader, KEYS.cachedInput) ?? 0, inputTokens),
    cacheWrite: count(reader, KEYS.cacheWrite) ?? 0,
    reasoning: Math.min(count(reader, KEYS.reasoning) ?? 0, outputTokens),
    total: total ?? inputTokens + outputTokens,
  };
}
