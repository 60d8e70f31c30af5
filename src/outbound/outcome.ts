/**
 * What one send attempt ended in, as the sink's send function classifies it — by the kind of
 * failure, never by its message: `retryable` when trying again may succeed (no answer, busy,
 * unavailable), `rejected` when the receiver refused the request itself and a retry would be
 * refused the same way.
 */
export type AttemptOutcome =
  | { readonly kind: "sent" }
  | {
      readonly kind: "retryable";
      readonly error: unknown;
      /** How long the receiver asked to be left alone (Retry-After), if it said. */
      readonly retryAfterMs?: number;
    }
  | { readonly kind: "rejected"; readonly error: unknown };

/** Why items were given up on: each drop is counted under one of these. */
export type DropReason =
  /** Offered while the queue's budget was spent. */
  | "queue_full"
  /** The receiver refused them (a permanent failure). */
  | "rejected"
  /** Every attempt failed with a retryable failure. */
  | "retries_exhausted"
  /** Still queued or in flight when the stop deadline passed, or offered after stop. */
  | "shutdown";

/** How a sink learns what became of its items (counts are items, not batches). */
export interface DeliveryEvents {
  readonly onSent?: (count: number) => void;
  readonly onDropped?: (reason: DropReason, count: number) => void;
  /** Each failed attempt, for logs; what became of the items is told by onSent/onDropped. */
  readonly onError?: (error: unknown) => void;
}
