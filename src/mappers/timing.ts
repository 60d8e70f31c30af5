import { type Span, type Timestamp, timestampFromMicros } from "../model/index.js";

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
  const { startUnixMs, durationMs } = millis(startMicros, endMicros);
  if (durationMs > 2 ** 31 - 1)
    return { reason: "span lasts longer than the 24 days an INTEGER of milliseconds holds" };
  return {
    startedAt: timestampFromMicros(startMicros),
    completedAt: timestampFromMicros(endMicros),
    startUnixMs,
    durationMs,
  };
}

/** Below this many µs since the epoch (the year 2112), the sums below are exact as numbers. */
const EXACT_MICROS = 2 ** 52;

/** The start in ms (truncated) and the duration in ms (halves up) of 0 ≤ start ≤ end µs. */
function millis(startMicros: bigint, endMicros: bigint): { startUnixMs: number; durationMs: number } {
  const start = Number(startMicros);
  const end = Number(endMicros);
  // numbers where they are exact: bigint arithmetic allocates on every step
  if (end < EXACT_MICROS)
    return { startUnixMs: truncatedMillis(start), durationMs: truncatedMillis(end - start + 500) };
  return {
    startUnixMs: Number(startMicros / MICROS_PER_MS),
    durationMs: Number((endMicros - startMicros + MICROS_PER_MS / 2n) / MICROS_PER_MS),
  };
}

/** ⌊micros / 1000⌋ of a non-negative integer below 2^53, exactly (no rounded division). */
function truncatedMillis(micros: number): number {
  return (micros - (micros % 1000)) / 1000;
}
