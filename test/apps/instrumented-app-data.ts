/** The client whose request the instrumented app serves: behind a proxy (`Forwarded: for=…`), with a user agent. */
export const INSTRUMENTED_CLIENT = { address: "203.0.113.7", userAgent: "orders-client/1.0" } as const;

/** A span the instrumented app exported, as it recorded it (duration to the nanosecond). */
export interface RecordedSpan {
  readonly name: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly attributes: Record<string, unknown>;
  readonly durationMs: number;
}
