import type { AttemptOutcome } from "./outcome.js";

/** A non-empty batch: the queue never sends nothing, so a sink of one item per batch can destructure it. */
export type Batch<T> = readonly [T, ...T[]];

/**
 * One attempt at sending a batch. It should stop when `signal` aborts (the attempt's timeout, or
 * stop's deadline) and classify its failure; a send that throws instead is treated as retryable.
 */
export type SendBatch<T> = (batch: Batch<T>, signal: AbortSignal) => Promise<AttemptOutcome>;

/**
 * Runs one attempt, bounded by `timeoutMs` and by `stop`. The bound holds even for a send that
 * ignores its signal, so that neither a retry nor stop's deadline can be held up by one.
 */
export async function attempt<T>(
  send: SendBatch<T>,
  batch: Batch<T>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<AttemptOutcome> {
  const signal = AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]);
  try {
    return await Promise.race([send(batch, signal), abortion(signal)]);
  } catch (error) {
    // Anything the send did not classify as permanent is worth another try (the Collector's rule).
    return { kind: "retryable", error };
  }
}

function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
