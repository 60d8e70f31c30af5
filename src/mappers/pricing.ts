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
  let best: { readonly price: ModelPrice; readonly prefix: string } | undefined;
  for (const entry of keyedPrices(prices)) {
    const { price, prefix } = entry;
    if (!key.startsWith(prefix) || price.effectiveFrom > day) continue;
    if (
      best === undefined ||
      prefix.length > best.prefix.length ||
      (prefix.length === best.prefix.length && price.effectiveFrom >= best.price.effectiveFrom)
    ) {
      best = entry;
    }
  }
  return best?.price;
}

/** Each price list's entries with their model keys, made once per list (every model request looks it up). */
const KEYED_PRICES = new WeakMap<
  readonly ModelPrice[],
  ReadonlyArray<{ price: ModelPrice; prefix: string }>
>();

function keyedPrices(prices: readonly ModelPrice[]): ReadonlyArray<{ price: ModelPrice; prefix: string }> {
  let keyed = KEYED_PRICES.get(prices);
  if (keyed === undefined) {
    keyed = prices.map((price) => ({ price, prefix: modelKey(price.model) }));
    KEYED_PRICES.set(prices, keyed);
  }
  return keyed;
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
