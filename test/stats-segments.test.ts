import { describe, expect, it } from "vitest";
import { seededRandom } from "../bench/seeded-random.js";
import { timestampFromMicros, timestampMicros } from "../src/model/index.js";
import { CELL_HOURS, type Segment, segmentsOf } from "../src/store/read/stats-segments.js";

const HOUR = 3_600_000_000n;
const WEEK = 168n * HOUR;

/** How many times the segments count the instant t: cells and rows add it, rows taken away remove it. */
function timesCounted(segments: readonly Segment[], t: bigint): number {
  return segments.reduce((n, s) => {
    const inside = timestampMicros(s.from) <= t && t < timestampMicros(s.to);
    return inside ? n + (s.subtract ? -1 : 1) : n;
  }, 0);
}

describe("segmentsOf", () => {
  it("counts every instant of the window once and none outside it, cells aligned to their width", () => {
    const { next: random } = seededRandom(20);
    const base = 1_790_000_000_000_000n;
    for (let i = 0; i < 300; i++) {
      const from =
        base + BigInt(Math.floor(random() * 40 * 24)) * HOUR + BigInt(Math.floor(random() * 3.6e9));
      const to = from + BigInt(Math.floor(random() * 35 * 24 * 3.6e9));
      const bucketSeconds = [undefined, 3600, 6 * 3600, 86_400, 300][i % 5];
      const segments = segmentsOf(timestampFromMicros(from), timestampFromMicros(to), bucketSeconds);
      for (const s of segments) {
        if (s.source === "rows") continue;
        expect(CELL_HOURS).toContain(s.source);
        expect(bucketSeconds === undefined || bucketSeconds % (s.source * 3600) === 0).toBe(true);
        expect(timestampMicros(s.from) % (BigInt(s.source) * HOUR)).toBe(0n);
      }
      // every boundary, and the instants just before them, decide the count between boundaries
      const edges = segments.flatMap((s) => [timestampMicros(s.from), timestampMicros(s.to)]);
      for (const t of [...edges, ...edges.map((e) => e - 1n), from - WEEK, to + WEEK]) {
        expect(timesCounted(segments, t)).toBe(from <= t && t < to ? 1 : 0);
      }
      const rowMicros = segments
        .filter((s) => s.source === "rows")
        .reduce((sum, s) => sum + timestampMicros(s.to) - timestampMicros(s.from), 0n);
      // about half an hour of rows at most at each edge once hour cells may be used
      if (bucketSeconds === undefined || bucketSeconds % 3600 === 0)
        expect(rowMicros).toBeLessThanOrEqual((HOUR * 11n) / 10n);
    }
  });
});
