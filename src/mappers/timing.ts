import { type Span, type Timestamp, timestampFromNanos } from "../model/index.js";

export interface Timing {
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  /** For the time-ordered row ids (UUIDv7 layout). */
  readonly startUnixMs: number;
  /** completed − started in microseconds, rounded to the nearest millisecond (halves up). */
  readonly durationMs: number;
}

const NANOS_PER_MICRO = 1000n;
const MICROS_PER_MS = 1000n;

/**
 * Start, end and duration of an ended span at microsecond precision (what `timestamptz` keeps;
 * nanoseconds are truncated), or the reason they cannot be stored. The duration is computed from
 * the stored times, so it always agrees with them.
 */
export function spanTiming(span: Span): Timing | { readonly reason: string } {
  if (span.startTimeUnixNano === 0n) return { reason: "start_time_unix_nano is missing" };
  if (span.endTimeUnixNano === 0n) return { reason: "end_time_unix_nano is missing" };
  if (span.endTimeUnixNano < span.startTimeUnixNano)
    return { reason: "end_time_unix_nano is before start_time_unix_nano" };
  const startMicros = span.startTimeUnixNano / NANOS_PER_MICRO;
  const endMicros = span.endTimeUnixNano / NANOS_PER_MICRO;
  const durationMs = Number((endMicros - startMicros + MICROS_PER_MS / 2n) / MICROS_PER_MS);
  if (durationMs > 2 ** 31 - 1)
    return { reason: "span lasts longer than the 24 days an INTEGER of milliseconds holds" };
  return {
    startedAt: timestampFromNanos(span.startTimeUnixNano),
    completedAt: timestampFromNanos(span.endTimeUnixNano),
    startUnixMs: Number(startMicros / MICROS_PER_MS),
    durationMs,
  };
}
