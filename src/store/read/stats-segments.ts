import { type Timestamp, timestampFromMicros, timestampMicros } from "../../model/index.js";

const HOUR = 3_600_000_000n;
const DAY = 24n * HOUR;

/** Where a part of a stats window is read from: the rows, the hour cells or the day cells of the rollups. */
export type SegmentSource = "rows" | "hours" | "days";

export interface Segment {
  readonly source: SegmentSource;
  readonly from: Timestamp;
  readonly to: Timestamp;
}

const floorTo = (t: bigint, unit: bigint) => t - (((t % unit) + unit) % unit);
const ceilTo = (t: bigint, unit: bigint) => -floorTo(-t, unit);

/**
 * Splits [from, to) so that whole UTC days come from day cells, the whole hours around them from
 * hour cells and the ragged edges from the rows; `coarsest` caps the cells used (a chart whose
 * buckets are not whole days cannot use day cells).
 */
export function segmentsOf(from: Timestamp, to: Timestamp, coarsest: SegmentSource): Segment[] {
  const start = timestampMicros(from);
  const end = timestampMicros(to);
  const out: Array<{ source: SegmentSource; from: bigint; to: bigint }> = [];
  const hoursFrom = ceilTo(start, HOUR);
  const hoursTo = floorTo(end, HOUR);
  if (coarsest === "rows" || hoursFrom >= hoursTo) {
    out.push({ source: "rows", from: start, to: end });
  } else {
    out.push({ source: "rows", from: start, to: hoursFrom });
    const daysFrom = ceilTo(hoursFrom, DAY);
    const daysTo = floorTo(hoursTo, DAY);
    if (coarsest === "days" && daysFrom < daysTo) {
      out.push(
        { source: "hours", from: hoursFrom, to: daysFrom },
        { source: "days", from: daysFrom, to: daysTo },
        { source: "hours", from: daysTo, to: hoursTo },
      );
    } else {
      out.push({ source: "hours", from: hoursFrom, to: hoursTo });
    }
    out.push({ source: "rows", from: hoursTo, to: end });
  }
  return out
    .filter((s) => s.from < s.to)
    .map((s) => ({ source: s.source, from: timestampFromMicros(s.from), to: timestampFromMicros(s.to) }));
}
