import type { Timestamp } from "../model/index.js";
import type { ModelPrice } from "./prices.js";
import type { TokenUsage } from "./usage.js";

const PER_TOKEN = 1 / 1_000_000;

/** `openai/gpt-4o` and `models/gemini-2.5-pro` as `gpt-4o` and `gemini-2.5-pro`, lower case. */
function modelKey(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf("/") + 1);
}

/**
 * The price of `model` on `at`: among the entries whose model is a prefix of it (the longest
 * prefix wins) and which are in effect on that day, the latest. A configured entry for the same
 * model and day replaces a shipped one: put the configured prices last.
 */
export function priceOf(prices: readonly ModelPrice[], model: string, at: Timestamp): ModelPrice | undefined {
  const key = modelKey(model);
  const day = at.slice(0, 10);
  let best: ModelPrice | undefined;
  for (const price of prices) {
    const prefix = modelKey(price.model);
    if (!key.startsWith(prefix) || price.effectiveFrom > day) continue;
    if (
      best === undefined ||
      prefix.length > modelKey(best.model).length ||
      (prefix.length === modelKey(best.model).length && price.effectiveFrom >= best.effectiveFrom)
    ) {
      best = price;
    }
  }
  return best;
}

/** USD: plain input, cached input read and written, plain output and reasoning, each at its price. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const plainInput = Math.max(0, usage.input - usage.cachedInput - usage.cacheWrite);
  const plainOutput = Math.max(0, usage.output - usage.reasoning);
  const usd =
    (plainInput * price.input +
      usage.cachedInput * (price.cachedInput ?? price.input) +
      usage.cacheWrite * (price.cacheWrite ?? price.input) +
      plainOutput * price.output +
      usage.reasoning * (price.reasoning ?? price.output)) *
    PER_TOKEN;
  return Math.round(usd * 1e9) / 1e9;
}
