import { type Timestamp, timestampFromMicros, timestampMicros } from "../../model/index.js";

const HOUR = 3_600_000_000n;

/**
 * Widths of the rollup cells in hours, finest first, each dividing the next and all aligned to
 * the Unix epoch: hours, quarter days, UTC days and 7-day weeks (execlens_rollup_widths() in SQL).
 */
export const CELL_HOURS = [1, 6, 24, 168] as const;

export interface Segment {
  /** Where this part of a window is read from: the rows, or the cells of that many hours. */
  readonly source: "rows" | number;
  readonly from: Timestamp;
  readonly to: Timestamp;
  /** Rows to take away: the part of an hour cell outside the window. */
  readonly subtract?: true;
}

interface Span {
  readonly source: "rows" | number;
  readonly from: bigint;
  readonly to: bigint;
  readonly subtract?: true;
}

const floorTo = (t: bigint, unit: bigint) => t - (((t % unit) + unit) % unit);
const ceilTo = (t: bigint, unit: bigint) => -floorTo(-t, unit);

/** [from, to) as the widest whole cells it holds, the rest by the finer ones, the ragged edges by the rows. */
function cover(from: bigint, to: bigint, widths: readonly number[]): Span[] {
  if (from >= to) return [];
  const hours = widths[widths.length - 1];
  if (hours === undefined) return [{ source: "rows", from, to }];
  const finer = widths.slice(0, -1);
  const unit = BigInt(hours) * HOUR;
  const cellsFrom = ceilTo(from, unit);
  const cellsTo = floorTo(to, unit);
  if (cellsFrom >= cellsTo) return cover(from, to, finer);
  return [
    ...cover(from, cellsFrom, finer),
    { source: hours, from: cellsFrom, to: cellsTo },
    ...cover(cellsTo, to, finer),
  ];
}

/**
 * Rows of more than half an hour, all in one hour, as that hour's cells less the rows of the
 * hour outside them: fewer rows to read, the same sums.
 */
function complemented(span: Span): Span[] {
  const hour = floorTo(span.from, HOUR);
  if (span.source !== "rows" || span.to - span.from <= HOUR / 2n || span.to > hour + HOUR) return [span];
  const outside: Span[] = [
    { source: "rows", from: hour, to: span.from, subtract: true },
    { source: "rows", from: span.to, to: hour + HOUR, subtract: true },
  ];
  return [{ source: 1, from: hour, to: hour + HOUR }, ...outside.filter((s) => s.from < s.to)];
}

/**
 * Splits [from, to) so that the widest cells come first and finer ones fill in, down to the
 * rows for the ragged edges. With `bucketSeconds` (a chart), only cells that never straddle two
 * of its buckets are used: widths that divide it; none when it is not whole hours. An edge of more
 * than half an hour is read as its hour's cells less the rows of the hour outside the window.
 */
export function segmentsOf(from: Timestamp, to: Timestamp, bucketSeconds?: number): Segment[] {
  const widths = CELL_HOURS.filter(
    (hours) => bucketSeconds === undefined || bucketSeconds % (hours * 3600) === 0,
  );
  const spans = cover(timestampMicros(from), timestampMicros(to), widths);
  return (widths.includes(1) ? spans.flatMap(complemented) : spans).map((s) => ({
    source: s.source,
    from: timestampFromMicros(s.from),
    to: timestampFromMicros(s.to),
    ...(s.subtract ? { subtract: s.subtract } : {}),
  }));
}
