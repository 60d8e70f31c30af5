import type { Span } from "../model/index.js";

export interface Timing {
  readonly startedAt: Date;
  readonly completedAt: Date;
  readonly startUnixMs: number;
  readonly durationMs: number;
}

const NANOS_PER_MS = 1_000_000n;

/** Start, end and duration of an ended span, or the reason they cannot be stored. */
export function spanTiming(span: Span): Timing | { readonly reason: string } {
  if (span.startTimeUnixNano === 0n) return { reason: "start_time_unix_nano is missing" };
  if (span.endTimeUnixNano === 0n) return { reason: "end_time_unix_nano is missing" };
  if (span.endTimeUnixNano < span.startTimeUnixNano)
    return { reason: "end_time_unix_nano is before start_time_unix_nano" };
  const startUnixMs = Number(span.startTimeUnixNano / NANOS_PER_MS);
  const endUnixMs = Number(span.endTimeUnixNano / NANOS_PER_MS);
  const durationMs = Number(
    (span.endTimeUnixNano - span.startTimeUnixNano + NANOS_PER_MS / 2n) / NANOS_PER_MS,
  );
  if (durationMs > 2 ** 31 - 1)
    return { reason: "span lasts longer than the 24 days an INTEGER of milliseconds holds" };
  const startedAt = new Date(startUnixMs);
  const completedAt = new Date(endUnixMs);
  if (Number.isNaN(startedAt.getTime()) || Number.isNaN(completedAt.getTime())) {
    return { reason: "timestamps are outside the range of dates" };
  }
  return { startedAt, completedAt, startUnixMs, durationMs };
}
