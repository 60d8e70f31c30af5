import type { Batch, SendBatch } from "./attempt.js";
import type { DeliveryEvents, DropReason } from "./outcome.js";
import { DEFAULT_RETRY_POLICY, deliver, type RetryPolicy } from "./retry.js";

export interface DeliveryQueueOptions<T> extends DeliveryEvents, Partial<RetryPolicy> {
  /** One attempt at delivering a batch. */
  readonly send: SendBatch<T>;
  /** What the queue holds at most, waiting and in flight, in the units of `cost`. */
  readonly budget: number;
  /** An item's share of the budget (bytes, say); 1 by default, making the budget a count. */
  readonly cost?: (item: T) => number;
  /** Items per batch at most; 1 by default (one send per item). */
  readonly maxBatch?: number;
  /** Batches in flight at once; 1 by default. */
  readonly concurrency?: number;
}

export interface DeliveryQueue<T> {
  /**
   * Takes items without waiting for their delivery; those that do not fit the budget are dropped
   * (queue_full), and after stop all are (shutdown).
   */
  offer(items: readonly T[]): void;
  /**
   * Stops accepting, keeps delivering what is queued for up to `graceMs` (Infinity: until all is
   * sent or given up on), then aborts the attempts in flight and drops what is left (shutdown).
   * Resolves once nothing is in flight; calling it again returns the same promise.
   */
  stop(graceMs: number): Promise<void>;
}

interface Entry<T> {
  readonly item: T;
  /** Kept, so that the budget gets back exactly what the item took. */
  readonly cost: number;
}

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A bounded queue that delivers its items through `send`, in batches, a few at a time, retrying
 * retryable failures with capped exponential backoff (or Retry-After), and tells of every item
 * sent or dropped. The sinks (forwarding, Alertmanager) share it so that the rules for bounding,
 * retrying and stopping are written once.
 */
export function createDeliveryQueue<T>(options: DeliveryQueueOptions<T>): DeliveryQueue<T> {
  const { send, budget, cost = () => 1, maxBatch = 1, concurrency = 1 } = options;
  const policy: RetryPolicy = {
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_RETRY_POLICY.attemptTimeoutMs,
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    initialBackoffMs: options.initialBackoffMs ?? DEFAULT_RETRY_POLICY.initialBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
  };
  const onError = options.onError ?? (() => undefined);
  const waiting: Entry<T>[] = [];
  /** The cost of what is waiting and what is in flight. */
  let held = 0;
  let inFlight = 0;
  let accepting = true;
  let stopping: Promise<void> | undefined;
  const aborter = new AbortController();
  const idleWaiters: Array<() => void> = [];

  function drop(reason: DropReason, count: number): void {
    if (count > 0) options.onDropped?.(reason, count);
  }

  function offer(items: readonly T[]): void {
    if (!accepting) {
      drop("shutdown", items.length);
      return;
    }
    let full = 0;
    for (const item of items) {
      const entry = { item, cost: cost(item) };
      if (held + entry.cost > budget) full++;
      else {
        waiting.push(entry);
        held += entry.cost;
      }
    }
    drop("queue_full", full);
    startBatches();
  }

  function startBatches(): void {
    while (inFlight < concurrency && !aborter.signal.aborted) {
      const [first, ...rest] = waiting.splice(0, maxBatch);
      if (first === undefined) break;
      inFlight++;
      const batchCost = rest.reduce((sum, entry) => sum + entry.cost, first.cost);
      void sendBatch([first.item, ...rest.map((entry) => entry.item)], batchCost);
    }
    if (inFlight === 0 && waiting.length === 0) for (const wake of idleWaiters.splice(0)) wake();
  }

  async function sendBatch(batch: Batch<T>, batchCost: number): Promise<void> {
    const delivery = await deliver(batch, send, policy, aborter.signal, onError);
    inFlight--;
    held -= batchCost;
    if (delivery === "sent") options.onSent?.(batch.length);
    else drop(delivery, batch.length);
    startBatches();
  }

  function idle(): Promise<void> {
    return new Promise((resolve) => {
      if (inFlight === 0 && waiting.length === 0) resolve();
      else idleWaiters.push(resolve);
    });
  }

  async function stopWithin(graceMs: number): Promise<void> {
    accepting = false;
    if (Number.isFinite(graceMs)) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.min(Math.max(graceMs, 0), MAX_TIMER_MS));
      });
      await Promise.race([idle(), deadline]);
      clearTimeout(timer);
    } else await idle();
    aborter.abort();
    const left = waiting.splice(0);
    for (const entry of left) held -= entry.cost;
    drop("shutdown", left.length);
    await idle();
  }

  return {
    offer,
    stop(graceMs) {
      stopping ??= stopWithin(graceMs);
      return stopping;
    },
  };
}
