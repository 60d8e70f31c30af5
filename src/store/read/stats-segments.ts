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
  /** Taken away: a part of a wider cell that lies outside the window. */
  readonly subtract?: true;
}

interface Span {
  readonly source: "rows" | number;
  readonly from: bigint;
  readonly to: bigint;
  readonly subtract?: true;
}

/**
 * What an hour of rows costs to read against one width's cells of one span of time: the rows are
 * each read from the table, the cells are one per key. With thousands of rows an hour and hundreds
 * of keys (bench:query), an hour of rows takes about as long as twenty spans of cells.
 */
const ROW_HOUR_COST = 20;

function cost(spans: readonly Span[]): number {
  return spans.reduce(
    (sum, s) =>
      sum +
      (s.source === "rows"
        ? (Number(s.to - s.from) / Number(HOUR)) * ROW_HOUR_COST
        : Number(s.to - s.from) / (s.source * Number(HOUR))),
    0,
  );
}

const floorTo = (t: bigint, unit: bigint) => t - (((t % unit) + unit) % unit);
const ceilTo = (t: bigint, unit: bigint) => -floorTo(-t, unit);
const takenAway = (spans: readonly Span[]): Span[] =>
  spans.map((s) => (s.subtract ? { source: s.source, from: s.from, to: s.to } : { ...s, subtract: true }));

/**
 * [from, to) as the cheapest mix of whole cells and rows: at each width, each end of the window
 * either filled in from finer cells or taken, whole, from the next cell out, less its part outside
 * the window (sums of counts and histograms are exact either way).
 */
function cover(from: bigint, to: bigint, widths: readonly number[]): Span[] {
  if (from >= to) return [];
  const hours = widths[widths.length - 1];
  if (hours === undefined) return [{ source: "rows", from, to }];
  const finer = widths.slice(0, -1);
  const unit = BigInt(hours) * HOUR;
  let best = cover(from, to, finer);
  let bestCost = cost(best);
  const heads = [...new Set([ceilTo(from, unit), floorTo(from, unit)])].map((start) => ({
    start,
    spans: start >= from ? cover(from, start, finer) : takenAway(cover(start, from, finer)),
  }));
  const tails = [...new Set([floorTo(to, unit), ceilTo(to, unit)])].map((end) => ({
    end,
    spans: end <= to ? cover(end, to, finer) : takenAway(cover(to, end, finer)),
  }));
  for (const head of heads) {
    for (const tail of tails) {
      if (head.start >= tail.end) continue;
      const spans = [...head.spans, { source: hours, from: head.start, to: tail.end }, ...tail.spans];
      const spansCost = cost(spans);
      if (spansCost < bestCost) {
        best = spans;
        bestCost = spansCost;
      }
    }
  }
  return best;
}

/**
 * Splits [from, to) into cells of the rollups and rows, as cheap to read as can be (see cover).
 * With `bucketSeconds` (a chart), only cells that never straddle two of its buckets are used:
 * widths that divide it; none when it is not whole hours.
 */
export function segmentsOf(from: Timestamp, to: Timestamp, bucketSeconds?: number): Segment[] {
  const widths = CELL_HOURS.filter(
    (hours) => bucketSeconds === undefined || bucketSeconds % (hours * 3600) === 0,
  );
  return cover(timestampMicros(from), timestampMicros(to), widths).map((s) => ({
    source: s.source,
    from: timestampFromMicros(s.from),
    to: timestampFromMicros(s.to),
    ...(s.subtract ? { subtract: s.subtract } : {}),
  }));
}
