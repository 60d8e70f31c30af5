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
 * the OpenAI, Anthropic, Google and Mistral pricing pages on this date, to the knowledge of
 * execlens' authors: the machines this table was written and extended on (the older OpenAI,
 * Anthropic and Gemini generations and Mistral were added later, the same way) have no internet
 * access, so the pages were not re-read then. Check them, and extend or override them with
 * `prices` in the configuration file.
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
  // entries of one model in date order
  { provider: "openai", model: "gpt-4o", effectiveFrom: "2024-05-13", input: 5, output: 15 },
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
  // OpenAI's previous generations, still called by older apps
  { provider: "openai", model: "gpt-4", effectiveFrom: "2023-03-14", input: 30, output: 60 },
  { provider: "openai", model: "gpt-4-32k", effectiveFrom: "2023-03-14", input: 60, output: 120 },
  { provider: "openai", model: "gpt-4-turbo", effectiveFrom: "2024-04-09", input: 10, output: 30 },
  { provider: "openai", model: "gpt-4-1106-preview", effectiveFrom: "2023-11-06", input: 10, output: 30 },
  { provider: "openai", model: "gpt-4-0125-preview", effectiveFrom: "2024-01-25", input: 10, output: 30 },
  { provider: "openai", model: "gpt-4-vision-preview", effectiveFrom: "2023-11-06", input: 10, output: 30 },
  {
    provider: "openai",
    model: "gpt-4.5-preview",
    effectiveFrom: "2025-02-27",
    input: 75,
    cachedInput: 37.5,
    output: 150,
  },
  // gpt-4o launched at 5/15; the alias moved to the cheaper 2024-08-06 snapshot on 2024-10-01 (above)
  { provider: "openai", model: "gpt-4o-2024-05-13", effectiveFrom: "2024-05-13", input: 5, output: 15 },
  { provider: "openai", model: "gpt-3.5-turbo", effectiveFrom: "2023-03-01", input: 2, output: 2 },
  { provider: "openai", model: "gpt-3.5-turbo", effectiveFrom: "2023-06-13", input: 1.5, output: 2 },
  { provider: "openai", model: "gpt-3.5-turbo", effectiveFrom: "2023-11-06", input: 1, output: 2 },
  { provider: "openai", model: "gpt-3.5-turbo", effectiveFrom: "2024-01-25", input: 0.5, output: 1.5 },
  { provider: "openai", model: "gpt-3.5-turbo-instruct", effectiveFrom: "2023-09-18", input: 1.5, output: 2 },
  { provider: "openai", model: "o1", effectiveFrom: "2024-09-12", input: 15, cachedInput: 7.5, output: 60 },
  { provider: "openai", model: "o1-pro", effectiveFrom: "2025-03-19", input: 150, output: 600 },
  {
    provider: "openai",
    model: "o1-mini",
    effectiveFrom: "2024-09-12",
    input: 3,
    cachedInput: 1.5,
    output: 12,
  },
  {
    provider: "openai",
    model: "o1-mini",
    effectiveFrom: "2025-01-31",
    input: 1.1,
    cachedInput: 0.55,
    output: 4.4,
  },
  { provider: "openai", model: "text-embedding-ada-002", effectiveFrom: "2022-12-15", input: 0.1, output: 0 },
  // Anthropic's Claude 3 and 3.5
  {
    provider: "anthropic",
    model: "claude-3-opus",
    effectiveFrom: "2024-03-04",
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
  },
  { provider: "anthropic", model: "claude-3-sonnet", effectiveFrom: "2024-03-04", input: 3, output: 15 },
  {
    provider: "anthropic",
    model: "claude-3-5-sonnet",
    effectiveFrom: "2024-06-20",
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
  },
  {
    provider: "anthropic",
    model: "claude-3-haiku",
    effectiveFrom: "2024-03-07",
    input: 0.25,
    cachedInput: 0.03,
    cacheWrite: 0.3,
    output: 1.25,
  },
  // Google's Gemini 3 (preview) and 1.5
  {
    provider: "google",
    model: "gemini-3-pro",
    effectiveFrom: "2025-11-18",
    input: 2,
    cachedInput: 0.2,
    output: 12,
  },
  { provider: "google", model: "gemini-1.5-pro", effectiveFrom: "2024-10-01", input: 1.25, output: 5 },
  { provider: "google", model: "gemini-1.5-flash", effectiveFrom: "2024-08-12", input: 0.075, output: 0.3 },
  {
    provider: "google",
    model: "gemini-1.5-flash-8b",
    effectiveFrom: "2024-10-03",
    input: 0.0375,
    output: 0.15,
  },
  // Mistral (La Plateforme)
  { provider: "mistral", model: "mistral-large", effectiveFrom: "2024-11-18", input: 2, output: 6 },
  { provider: "mistral", model: "mistral-medium", effectiveFrom: "2025-05-07", input: 0.4, output: 2 },
  { provider: "mistral", model: "mistral-small", effectiveFrom: "2025-01-30", input: 0.1, output: 0.3 },
  { provider: "mistral", model: "magistral-medium", effectiveFrom: "2025-06-10", input: 2, output: 5 },
  { provider: "mistral", model: "magistral-small", effectiveFrom: "2025-06-10", input: 0.5, output: 1.5 },
  { provider: "mistral", model: "codestral", effectiveFrom: "2025-01-13", input: 0.3, output: 0.9 },
  { provider: "mistral", model: "ministral-8b", effectiveFrom: "2024-10-16", input: 0.1, output: 0.1 },
  { provider: "mistral", model: "ministral-3b", effectiveFrom: "2024-10-16", input: 0.04, output: 0.04 },
  { provider: "mistral", model: "open-mistral-nemo", effectiveFrom: "2024-07-18", input: 0.15, output: 0.15 },
  { provider: "mistral", model: "mistral-embed", effectiveFrom: "2023-12-11", input: 0.1, output: 0 },
];
