import { type SQL, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { seededRandom } from "../bench/seeded-random.js";
import { mapSpans } from "../src/mappers/index.js";
import { type Span, sourceIdToUuid, timestampFromMicros } from "../src/model/index.js";
import {
  ALL,
  type Database,
  deleteExpired,
  PERCENTILE_RELATIVE_ERROR,
  rebuildRollups,
  type Scope,
  type StatsWindow,
  settleQuietTraces,
  skillStats,
  workflowStats,
  writeChanges,
} from "../src/store/index.js";
import {
  bucketPoint,
  durationBucket,
  histogramPercentile,
  unpackHistogram,
} from "../src/store/read/duration-histogram.js";
import { queryRows } from "../src/store/transaction.js";
import { describeEachDatabase, useOpenDatabase } from "./helpers/databases.js";
import { BASE_MS, datasetSpans } from "./helpers/dataset.js";
import { span } from "./helpers/spans.js";

const HOUR = 3_600_000;

const at = (ms: number) => timestampFromMicros(BigInt(ms) * 1000n);

/** Windows with ragged edges, whole hours, quarter days, days and weeks, and one inside an hour. */
const WINDOWS: StatsWindow[] = [
  { from: at(BASE_MS - 24 * HOUR), to: at(BASE_MS + 5 * 24 * HOUR) },
  { from: at(BASE_MS - 10 * 24 * HOUR + 7 * HOUR + 123_456), to: at(BASE_MS + 11 * 24 * HOUR + 2 * HOUR) },
  {
    from: timestampFromMicros(BigInt(BASE_MS + 5 * HOUR + 1_037_123) * 1000n + 456n),
    to: at(BASE_MS + 55 * HOUR + 660_000),
  },
  { from: at(BASE_MS + 10 * HOUR + 300_000), to: at(BASE_MS + 10 * HOUR + 3_000_000) },
];

interface Reference {
  k1: string | null;
  k2: string | null;
  count: number;
  statuses: Record<string, number>;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Per hour of start (`YYYY-MM-DDTHH`): "executions/failed/timeout". */
  hours: Record<string, string>;
  tokens: string | number | null;
  cost: string | number | null;
}

/** Stats straight from the rows, with percentile_cont: what the rollups must agree with. */
async function reference(db: Database, kind: "skill" | "workflow", scope: Scope, window: StatsWindow) {
  const t =
    kind === "skill"
      ? {
          table: sql`"SkillExecutions" x`,
          k1: sql`x.skill_id::text`,
          k2: sql`x.exec_skill_name`,
          status: sql`x.exec_status`,
          started: sql`x.exec_started_at`,
          duration: sql`x.exec_duration_ms`,
          extras: sql`NULL::bigint AS tokens, NULL::numeric AS cost`,
          scope: (orgs: string) => sql`(x.organization_id = ANY(${orgs}::uuid[]) OR EXISTS (
            SELECT 1 FROM "WorkflowExecutions" w WHERE w.wkex_id = x.wkex_id AND w.organization_id = ANY(${orgs}::uuid[])))`,
        }
      : {
          table: sql`"WorkflowExecutions" x`,
          k1: sql`x.wkfl_id::text`,
          k2: sql`x.wkex_workflow_name`,
          status: sql`x.wkex_status`,
          started: sql`x.wkex_started_at`,
          duration: sql`x.wkex_total_duration_ms`,
          extras: sql`coalesce(sum(x.wkex_total_tokens), 0)::bigint AS tokens, coalesce(sum(x.wkex_cost_usd), 0)::numeric AS cost`,
          scope: (orgs: string) => sql`x.organization_id = ANY(${orgs}::uuid[])`,
        };
  const inScope: SQL = "all" in scope ? sql`true` : t.scope(`{${scope.organizationIds.join(",")}}`);
  return queryRows<Reference>(
    db,
    sql`
SELECT ${t.k1} AS k1, ${t.k2} AS k2, count(*)::int AS count,
  (SELECT jsonb_object_agg(s.status, s.n) FROM (
    SELECT ${t.status} AS status, count(*)::int AS n FROM ${t.table}
    WHERE ${t.k1} IS NOT DISTINCT FROM g.k1 AND ${t.k2} IS NOT DISTINCT FROM g.k2
      AND ${t.started} >= ${window.from}::timestamptz AND ${t.started} < ${window.to}::timestamptz AND ${inScope}
    GROUP BY 1) s) AS statuses,
  (SELECT jsonb_object_agg(h.hour, h.counts) FROM (
    SELECT to_char(date_bin('1 hour', ${t.started}, '1970-01-01T00:00:00Z') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') AS hour,
      concat_ws('/', count(*), count(*) FILTER (WHERE ${t.status} = 'failed'), count(*) FILTER (WHERE ${t.status} = 'timeout')) AS counts
    FROM ${t.table}
    WHERE ${t.k1} IS NOT DISTINCT FROM g.k1 AND ${t.k2} IS NOT DISTINCT FROM g.k2
      AND ${t.started} >= ${window.from}::timestamptz AND ${t.started} < ${window.to}::timestamptz AND ${inScope}
    GROUP BY 1) h) AS hours,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${t.duration}) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY ${t.duration}) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY ${t.duration}) AS p99,
  ${t.extras}
FROM ${t.table}
CROSS JOIN LATERAL (SELECT ${t.k1} AS k1, ${t.k2} AS k2) g
WHERE ${t.started} >= ${window.from}::timestamptz AND ${t.started} < ${window.to}::timestamptz AND ${inScope}
GROUP BY 1, 2, g.k1, g.k2`,
  );
}

function expectWithinBound(actual: number | null, want: number | null): void {
  if (want === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - Number(want))).toBeLessThanOrEqual(
    PERCENTILE_RELATIVE_ERROR * Math.abs(Number(want)) + 1e-9,
  );
}

async function expectStatsMatchRows(db: Database, scope: Scope): Promise<void> {
  for (const window of WINDOWS) {
    const skills = await skillStats(db, scope, window);
    const skillsWant = await reference(db, "skill", scope, window);
    // the whole range always has rows
    if (window === WINDOWS[0]) expect(skillsWant.length).toBeGreaterThan(0);
    expect(skills.length).toBe(skillsWant.length);
    for (const want of skillsWant) {
      const got = skills.find((s) => s.skillId === want.k1 && s.skillName === want.k2);
      expect(got, `${want.k2}`).toBeDefined();
      expect(got?.count).toBe(want.count);
      expect(got?.byStatus).toEqual(want.statuses);
      expectWithinBound(got?.durationMs.p50 ?? null, want.p50);
      expectWithinBound(got?.durationMs.p95 ?? null, want.p95);
      expectWithinBound(got?.durationMs.p99 ?? null, want.p99);
    }
    const workflows = await workflowStats(db, scope, { ...window, bucketSeconds: 3600 });
    const workflowsWant = await reference(db, "workflow", scope, window);
    expect(workflows.length).toBe(workflowsWant.length);
    for (const want of workflowsWant) {
      const got = workflows.find((w) => w.workflowId === want.k1 && w.workflowName === want.k2);
      expect(got, `${want.k2}`).toBeDefined();
      expect(got?.count).toBe(want.count);
      expect(got?.byStatus).toEqual(want.statuses);
      expect(got?.totalTokens).toBe(Number(want.tokens));
      expect(got?.costUsd).toBeCloseTo(Number(want.cost), 8);
      expectWithinBound(got?.durationMs.p50 ?? null, want.p50);
      expectWithinBound(got?.durationMs.p95 ?? null, want.p95);
      expectWithinBound(got?.durationMs.p99 ?? null, want.p99);
      // the hourly series: every hour's counts as the rows give them, no hour that has none
      expect(
        Object.fromEntries(
          (got?.series ?? []).map((p) => [p.bucketStart.slice(0, 13), `${p.count}/${p.failed}/${p.timeout}`]),
        ),
      ).toEqual(want.hours);
    }
  }
}

/** The rollup cells, in a fixed order: what recomputation and a rebuild must both give. */
async function rollupCells(db: Database): Promise<unknown[]> {
  return queryRows(
    db,
    sql`SELECT 'skill' AS kind, bucket_start::text, bucket_hours, skill_id::text AS id, skill_name AS name, organization_id::text,
          companion_id::text, status, executions, duration_sum::text, duration_histogram::text,
          NULL AS tokens, NULL AS cost, NULL AS avg_n,
          -- equal numbers, whatever their scale (a sum taken back to zero keeps its decimals)
          concat_ws('/', performance_count, trim_scale(own_time_sum), trim_scale(db_time_sum), db_time_count,
            trim_scale(api_time_sum), api_time_count) AS performance
        FROM "SkillRollups"
        UNION ALL
        SELECT 'workflow', bucket_start::text, bucket_hours, workflow_id::text, workflow_name, organization_id::text,
          companion_id::text, status, executions, duration_sum::text, duration_histogram::text,
          total_tokens::text, cost_usd::text, avg_step_count, NULL
        FROM "WorkflowRollups"
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`,
  );
}

/** The dataset's spans shuffled, cut into batches, some delivered twice and some side by side. */
function deliveries(seed: number): Span[][][] {
  const r = seededRandom(seed);
  const spans = datasetSpans({ seed, traces: 80, spreadMs: 4 * 24 * HOUR }).flat();
  for (let i = spans.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [spans[i], spans[j]] = [spans[j] as Span, spans[i] as Span];
  }
  const batches: Span[][] = [];
  for (let i = 0; i < spans.length; ) {
    const size = 1 + r.int(40);
    batches.push(spans.slice(i, i + size));
    i += size;
  }
  const again = batches.filter(() => r.next() < 0.3);
  const all = [...batches, ...again];
  // groups of up to three batches written concurrently (on PostgreSQL, concurrent transactions)
  const groups: Span[][][] = [];
  for (let i = 0; i < all.length; ) {
    const size = 1 + r.int(3);
    groups.push(all.slice(i, i + size));
    i += size;
  }
  return groups;
}

describeEachDatabase("stats rollups", (kind) => {
  const database = useOpenDatabase(kind);
  const orgA: Scope = { organizationIds: [sourceIdToUuid("org-a")] };

  it("after shuffled, re-delivered and concurrent ingest: counts equal the rows', percentiles within the bound", async () => {
    const db = database.handle.db;
    for (const group of deliveries(7)) {
      await Promise.all(group.map((batch) => writeChanges(db, mapSpans(batch))));
    }
    await settleQuietTraces(db, 0);
    // skills of org-a's workflows that name another organisation: org-a sees them through their
    // workflow (from the rows), org-b by their own (from the cells)
    await db.execute(sql`UPDATE "SkillExecutions" SET organization_id = ${sourceIdToUuid("org-b")}::uuid
      WHERE exec_id IN (SELECT s.exec_id FROM "SkillExecutions" s JOIN "WorkflowExecutions" w ON w.wkex_id = s.wkex_id
        WHERE w.organization_id = ${sourceIdToUuid("org-a")}::uuid ORDER BY s.exec_id LIMIT 10)`);
    await expectStatsMatchRows(db, ALL);
    await expectStatsMatchRows(db, orgA);
    await expectStatsMatchRows(db, { organizationIds: [sourceIdToUuid("org-b")] });
  });

  it("the cells the writers kept equal the cells rebuilt from the rows", async () => {
    const db = database.handle.db;
    const kept = await rollupCells(db);
    expect(kept.length).toBeGreaterThan(0);
    // the dataset's db queries and HTTP calls give some cells where their skills' time went
    const [timed] = await queryRows<{ cells: number; http: number }>(
      db,
      sql`SELECT count(*)::int AS cells, count(*) FILTER (WHERE api_time_count > 0)::int AS http FROM "SkillRollups" WHERE performance_count > 0`,
    );
    expect(timed?.cells).toBeGreaterThan(0);
    expect(timed?.http).toBeGreaterThan(0);
    const rebuilt = await rebuildRollups(db);
    expect(rebuilt.skillCells + rebuilt.workflowCells).toBe(kept.length);
    expect(await rollupCells(db)).toEqual(kept);
  });

  it("a histogram packed in SQL unpacks to the buckets and counts of its durations", async () => {
    const durations = [0, 1, 2, 3, 999, 1000, 30_000, 2 ** 31 - 1];
    const [row] = await queryRows<{ packed: string }>(
      database.handle.db,
      sql`SELECT sum(u.n * execlens_histogram_of_bucket(execlens_duration_bucket(u.ms)))::text AS packed
        FROM unnest(${`{${durations.join(",")}}`}::int[], ${`{${durations.map((_, i) => 999_999_000 + i).join(",")}}`}::bigint[]) AS u(ms, n)`,
    );
    const want = new Map<number, number>();
    for (const [i, ms] of durations.entries()) {
      const bucket = durationBucket(ms);
      want.set(bucket, (want.get(bucket) ?? 0) + 999_999_000 + i);
    }
    const got = unpackHistogram(row?.packed ?? "");
    expect(new Map(got.buckets.map((b, i) => [b, got.counts[i]]))).toEqual(want);
  });

  it("the bucket's packed histogram is inlined where SQL calls it, not a function call per row", async () => {
    // every commit's apply and every stats edge call it once per row (migration 0016)
    const plan = await queryRows<{ "QUERY PLAN": string }>(
      database.handle.db,
      sql`EXPLAIN (VERBOSE) SELECT execlens_histogram_of_bucket(b::smallint) FROM generate_series(0, 3) AS b`,
    );
    const text = plan.map((line) => line["QUERY PLAN"]).join("\n");
    expect(text).toContain("'1e'");
    expect(text).not.toContain("execlens_histogram_of_bucket");
  });

  it("SQL takes every bucket of an integer duration as the point duration-histogram.ts does", async () => {
    const last = durationBucket(2 ** 31 - 1);
    const rows = await queryRows<{ bucket: number; point: number }>(
      database.handle.db,
      sql`SELECT b AS bucket, execlens_duration_bucket_point(b) AS point FROM generate_series(0, ${last}) AS b`,
    );
    expect(rows).toEqual(Array.from({ length: last + 1 }, (_, b) => ({ bucket: b, point: bucketPoint(b) })));
  });

  it("count and percentiles read in SQL from a packed histogram are histogramPercentile's", async () => {
    const random = seededRandom(16);
    const histograms = [new Map<number, number>(), new Map([[0, 1]]), new Map([[248, 3]])];
    // at most 12 buckets of fewer than 8·10^8: below the 10^10 − 1 durations the count is exact for
    for (let i = 0; i < 40; i++) {
      const histogram = new Map<number, number>();
      const first = random.int(200);
      for (let n = 1 + random.int(12); n > 0; n--)
        histogram.set(first + random.int(48), 1 + random.int(i % 4 === 0 ? 800_000_000 : 50));
      histograms.push(histogram);
    }
    const packed = histograms.map((h) =>
      [...h].reduce((sum, [bucket, n]) => sum + BigInt(n) * 10n ** BigInt(10 * bucket), 0n).toString(),
    );
    const ps = [0, 0.01, 0.25, 0.5, 0.95, 0.99, 1, random.next()];
    const rows = await queryRows<{ i: number; count: string; percentiles: Array<number | null> }>(
      database.handle.db,
      sql`SELECT h.i::int AS i, execlens_histogram_count(h.packed)::text AS count,
          array_agg(execlens_histogram_percentile(h.packed, p.p) ORDER BY p.i) AS percentiles
        FROM unnest(${`{${packed.join(",")}}`}::numeric[]) WITH ORDINALITY AS h(packed, i)
        CROSS JOIN unnest(${`{${ps.join(",")}}`}::float8[]) WITH ORDINALITY AS p(p, i)
        GROUP BY h.i, h.packed ORDER BY h.i`,
    );
    expect(rows).toEqual(
      packed.map((text, i) => {
        const histogram = unpackHistogram(text);
        return {
          i: i + 1,
          count: String(histogram.counts.reduce((sum, n) => sum + n, 0)),
          percentiles: ps.map((p) => histogramPercentile(histogram, p)),
        };
      }),
    );
  });

  it("keys and chart buckets whose executions all lie in a part taken away from a wider cell are not reported", async () => {
    const db = database.handle.db;
    // far from the dataset's days: "early" at :05 and 1:10, "late" at :40, "gone" at :10 only
    const hour = BASE_MS + 400 * 24 * HOUR;
    const workflow = (name: string, minute: number, id: string) =>
      span({
        traceId: id.repeat(32),
        spanId: id.repeat(16),
        name,
        startMs: hour + minute * 60_000,
        endMs: hour + minute * 60_000 + 1000,
        attributes: { "workflow.name": name },
      });
    await writeChanges(
      db,
      mapSpans([
        workflow("early", 5, "d"),
        workflow("early", 70, "e"),
        workflow("late", 40, "f"),
        workflow("gone", 10, "c"),
      ]),
    );
    // the first hour's last 45 minutes: its cells less its first quarter hour
    const window = { from: at(hour + 15 * 60_000), to: at(hour + 2 * HOUR) };
    const stats = await workflowStats(db, ALL, { ...window, bucketSeconds: 3600 });
    expect(
      stats.map((w) => [w.workflowName, w.count, w.series?.map((p) => [p.bucketStart, p.count])]),
    ).toEqual([
      ["early", 1, [[at(hour + HOUR), 1]]],
      ["late", 1, [[at(hour), 1]]],
    ]);
    expect((await skillStats(db, ALL, window)).length).toBe(0);
  });

  it("follow retention: deleted rows leave the cells", async () => {
    const db = database.handle.db;
    const deleted = await deleteExpired(db, new Date(BASE_MS + 30 * HOUR + 1234));
    expect(deleted.skills).toBeGreaterThan(0);
    await expectStatsMatchRows(db, ALL);
    const kept = await rollupCells(db);
    await rebuildRollups(db);
    expect(await rollupCells(db)).toEqual(kept);
  });
});
