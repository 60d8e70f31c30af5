/**
 * USD per million tokens, effective from a date. `model` matches a model id by prefix (the
 * longest wins), so `gpt-4o` prices `gpt-4o-2024-08-06` while `gpt-4o-mini` has its own entry.
 * Cached input falls back to the input price, reasoning to the output price.
 */
export interface ModelPrice {
  readonly provider: string;
  readonly model: string;
  /** YYYY-MM-DD: the price applies to requests from this day (UTC) on. */
  readonly effectiveFrom: string;
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
  readonly cacheWrite?: number;
  readonly reasoning?: number;
}

/**
 * The vendors' public list prices (standard tier, text, the first context tier) as published on
 * the OpenAI, Anthropic and Google pricing pages on this date, to the knowledge of execlens'
 * authors: the machine this table was written on has no internet access, so the pages were not
 * re-read then. Check them, and extend or override them with `prices` in the configuration file.
 */
export const PRICES_READ_ON = "2025-11-20";

export const DEFAULT_PRICES: readonly ModelPrice[] = [
  {
    provider: "openai",
    model: "gpt-5",
    effectiveFrom: "2025-08-07",
    input: 1.25,
    cachedInput: 0.125,
    output: 10,
  },
  {
    provider: "openai",
    model: "gpt-5-mini",
    effectiveFrom: "2025-08-07",
    input: 0.25,
    cachedInput: 0.025,
    output: 2,
  },
  {
    provider: "openai",
    model: "gpt-5-nano",
    effectiveFrom: "2025-08-07",
    input: 0.05,
    cachedInput: 0.005,
    output: 0.4,
  },
  {
    provider: "openai",
    model: "gpt-4.1",
    effectiveFrom: "2025-04-14",
    input: 2,
    cachedInput: 0.5,
    output: 8,
  },
  {
    provider: "openai",
    model: "gpt-4.1-mini",
    effectiveFrom: "2025-04-14",
    input: 0.4,
    cachedInput: 0.1,
    output: 1.6,
  },
  {
    provider: "openai",
    model: "gpt-4.1-nano",
    effectiveFrom: "2025-04-14",
    input: 0.1,
    cachedInput: 0.025,
    output: 0.4,
  },
  {
    provider: "openai",
    model: "gpt-4o",
    effectiveFrom: "2024-10-01",
    input: 2.5,
    cachedInput: 1.25,
    output: 10,
  },
  {
    provider: "openai",
    model: "gpt-4o-mini",
    effectiveFrom: "2024-07-18",
    input: 0.15,
    cachedInput: 0.075,
    output: 0.6,
  },
  // o3 launched at 10/40 and was cut by 80% on 2025-06-10: the table keeps both.
  { provider: "openai", model: "o3", effectiveFrom: "2025-04-16", input: 10, cachedInput: 2.5, output: 40 },
  { provider: "openai", model: "o3", effectiveFrom: "2025-06-10", input: 2, cachedInput: 0.5, output: 8 },
  {
    provider: "openai",
    model: "o3-mini",
    effectiveFrom: "2025-01-31",
    input: 1.1,
    cachedInput: 0.55,
    output: 4.4,
  },
  {
    provider: "openai",
    model: "o4-mini",
    effectiveFrom: "2025-04-16",
    input: 1.1,
    cachedInput: 0.275,
    output: 4.4,
  },
  {
    provider: "openai",
    model: "text-embedding-3-small",
    effectiveFrom: "2024-01-25",
    input: 0.02,
    output: 0,
  },
  {
    provider: "openai",
    model: "text-embedding-3-large",
    effectiveFrom: "2024-01-25",
    input: 0.13,
    output: 0,
  },
  {
    provider: "anthropic",
    model: "claude-opus-4-5",
    effectiveFrom: "2025-11-24",
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
  },
  {
    provider: "anthropic",
    model: "claude-opus-4-1",
    effectiveFrom: "2025-08-05",
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
  },
  {
    provider: "anthropic",
    model: "claude-opus-4",
    effectiveFrom: "2025-05-22",
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    effectiveFrom: "2025-09-29",
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4",
    effectiveFrom: "2025-05-22",
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
  },
  {
    provider: "anthropic",
    model: "claude-3-7-sonnet",
    effectiveFrom: "2025-02-24",
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    effectiveFrom: "2025-10-15",
    input: 1,
    cachedInput: 0.1,
    cacheWrite: 1.25,
    output: 5,
  },
  {
    provider: "anthropic",
    model: "claude-3-5-haiku",
    effectiveFrom: "2024-11-04",
    input: 0.8,
    cachedInput: 0.08,
    cacheWrite: 1,
    output: 4,
  },
  {
    provider: "google",
    model: "gemini-2.5-pro",
    effectiveFrom: "2025-06-17",
    input: 1.25,
    cachedInput: 0.125,
    output: 10,
  },
  {
    provider: "google",
    model: "gemini-2.5-flash",
    effectiveFrom: "2025-06-17",
    input: 0.3,
    cachedInput: 0.03,
    output: 2.5,
  },
  {
    provider: "google",
    model: "gemini-2.5-flash-lite",
    effectiveFrom: "2025-07-22",
    input: 0.1,
    cachedInput: 0.01,
    output: 0.4,
  },
  {
    provider: "google",
    model: "gemini-2.0-flash",
    effectiveFrom: "2025-02-05",
    input: 0.1,
    cachedInput: 0.025,
    output: 0.4,
  },
  {
    provider: "google",
    model: "gemini-2.0-flash-lite",
    effectiveFrom: "2025-02-25",
    input: 0.075,
    output: 0.3,
  },
];
