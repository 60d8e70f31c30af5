import { setTimeout as delay } from "node:timers/promises";
import { attempt, type Batch, type SendBatch } from "./attempt.js";
import type { DropReason } from "./outcome.js";

export interface RetryPolicy {
  /** How long one attempt may take; past it, it counts as a retryable failure. */
  readonly attemptTimeoutMs: number;
  /** Attempts per batch, the first included, before it is dropped (retries_exhausted). */
  readonly maxAttempts: number;
  /** The wait before the first retry; it doubles after each. */
  readonly initialBackoffMs: number;
  /** The longest wait between attempts, also for a Retry-After that asks for more. */
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptTimeoutMs: 10_000,
  maxAttempts: 5,
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
};

/** What became of a batch: sent, or why it was given up on. */
export type Delivery = "sent" | Exclude<DropReason, "queue_full">;

/**
 * Attempts a batch until it is sent, refused, out of attempts, or `stop` aborts. Failures are
 * reported to `onError`, except those of an attempt cut short by stop (that is the shutdown).
 */
export async function deliver<T>(
  batch: Batch<T>,
  send: SendBatch<T>,
  policy: RetryPolicy,
  stop: AbortSignal,
  onError: (error: unknown) => void,
): Promise<Delivery> {
  let backoffMs = policy.initialBackoffMs;
  for (let attempts = 1; ; attempts++) {
    const outcome = await attempt(send, batch, policy.attemptTimeoutMs, stop);
    if (outcome.kind === "sent") return "sent";
    if (stop.aborted) return "shutdown";
    onError(outcome.error);
    if (outcome.kind === "rejected") return "rejected";
    if (attempts >= policy.maxAttempts) return "retries_exhausted";
    const waitMs = Math.min(outcome.retryAfterMs ?? backoffMs, policy.maxBackoffMs);
    await delay(waitMs, undefined, { signal: stop }).catch(() => undefined);
    if (stop.aborted) return "shutdown";
    backoffMs = Math.min(backoffMs * 2, policy.maxBackoffMs);
  }
}
