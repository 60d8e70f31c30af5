import type { SpanFacts } from "./conventions/index.js";

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

/** The request's usage from whichever keys its instrumentation wrote; undefined when it has none. */
export function tokenUsage(facts: SpanFacts): TokenUsage | undefined {
  const count = (target: Parameters<SpanFacts["number"]>[0]) => {
    const n = facts.number(target);
    return n === null ? null : Math.round(n);
  };
  const input = count("input_tokens");
  const output = count("output_tokens");
  const total = count("total_tokens");
  if (input === null && output === null && total === null) return undefined;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return {
    input: inputTokens,
    output: outputTokens,
    cachedInput: Math.min(count("cached_input_tokens") ?? 0, inputTokens),
    cacheWrite: count("cache_write_tokens") ?? 0,
    reasoning: Math.min(count("reasoning_tokens") ?? 0, outputTokens),
    total: total ?? inputTokens + outputTokens,
  };
}
