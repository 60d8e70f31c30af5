/**
 * The duration histogram of the stats rollups, read back. Durations (whole milliseconds) fall in
 * bucket 0 when ≤ 0, else in bucket b = 1 + ⌊8·log2(ms)⌋, which holds [2^((b−1)/8), 2^(b/8)): eight
 * buckets per doubling, the same function as `execlens_duration_bucket` in SQL (migration 0010).
 */
const BUCKETS_PER_DOUBLING = 8;
const RATIO = 2 ** (1 / BUCKETS_PER_DOUBLING);

/**
 * The largest relative error of a percentile read from the histogram against `percentile_cont`
 * over the same durations: (r − 1)/(r + 1) with r = 2^(1/8), about 4.3 %. Each order statistic is
 * replaced by a point of its bucket no further than that from any value of the bucket, and
 * percentile_cont's interpolation between two of them keeps the bound (a convex combination).
 */
export const PERCENTILE_RELATIVE_ERROR = (RATIO - 1) / (RATIO + 1);

export function durationBucket(ms: number): number {
  return ms <= 0 ? 0 : 1 + Math.floor((Math.log(ms) * BUCKETS_PER_DOUBLING) / Math.LN2 + 1e-9);
}

/** The point of a bucket whose relative distance to every whole duration in it is smallest. */
function representative(bucket: number): number {
  if (bucket === 0) return 0;
  let low = Math.ceil(RATIO ** (bucket - 1));
  while (low > 1 && durationBucket(low - 1) === bucket) low--;
  while (durationBucket(low) < bucket) low++;
  let high = Math.max(low, Math.floor(RATIO ** bucket));
  while (durationBucket(high) > bucket) high--;
  while (durationBucket(high + 1) === bucket) high++;
  return (2 * low * high) / (low + high);
}

const representatives = new Map<number, number>();
/** The point a bucket's durations are taken as (execlens_duration_bucket_point in SQL, migration 0012). */
export function bucketPoint(bucket: number): number {
  let value = representatives.get(bucket);
  if (value === undefined) {
    value = representative(bucket);
    representatives.set(bucket, value);
  }
  return value;
}

/** A merged histogram: buckets in ascending order and how many durations each holds. */
export interface Histogram {
  readonly buckets: readonly number[];
  readonly counts: readonly number[];
}

/** Decimal digits each bucket's count takes in a packed histogram (migration 0011). */
const DIGITS_PER_BUCKET = 10;

/**
 * A histogram packed in one number (text of a numeric, see SkillRollups.duration_histogram):
 * bucket b's count is read from decimal digits 10b to 10b+9, counted from the right.
 */
export function unpackHistogram(packed: string): Histogram {
  if (packed.length === 0) throw new Error("not a packed duration histogram: empty");
  // digit by digit, without a substring per bucket: a stats answer unpacks hundreds of these,
  // each about a thousand digits long
  const buckets: number[] = [];
  const counts: number[] = [];
  for (let bucket = 0, end = packed.length; end > 0; bucket++, end -= DIGITS_PER_BUCKET) {
    let count = 0;
    for (let i = Math.max(0, end - DIGITS_PER_BUCKET); i < end; i++) {
      const digit = packed.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) throw new Error(`not a packed duration histogram: ${packed.slice(0, 40)}`);
      count = count * 10 + digit;
    }
    if (count > 0) {
      buckets.push(bucket);
      counts.push(count);
    }
  }
  return { buckets, counts };
}

/** percentile_cont(p) of the durations a histogram counts, each taken as its bucket's point; null when empty. */
export function histogramPercentile(histogram: Histogram, p: number): number | null {
  const total = histogram.counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = p * (total - 1);
  const lower = Math.floor(rank);
  const { buckets, counts } = histogram;
  const at = (index: number): number => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (index < seen) return bucketPoint(buckets[i] as number);
    }
    return bucketPoint(buckets[buckets.length - 1] as number);
  };
  const low = at(lower);
  const fraction = rank - lower;
  return fraction === 0 ? low : low + (at(lower + 1) - low) * fraction;
}
