import { and, type SQL, sql } from "drizzle-orm";
import { sourceIdToUuid, type Timestamp, WORKFLOW_STATUSES } from "../../model/index.js";
import type { Database } from "../database.js";
import { timestampFromDatabase } from "../schema/columns.js";
import { pgArray } from "../sql-values.js";
import { queryRows, type Transaction } from "../transaction.js";
import { histogramPercentile, unpackHistogram } from "./duration-histogram.js";
import { rollupInScope, type Scope, skillInScope, skillMissedByRollups, workflowInScope } from "./scope.js";
import { type Segment, segmentsOf } from "./stats-segments.js";

export interface StatsWindow {
  readonly from: Timestamp;
  readonly to: Timestamp;
  /** Width of chart buckets in seconds; no series without it. */
  readonly bucketSeconds?: number;
}

export interface SeriesPoint {
  readonly bucketStart: string;
  readonly count: number;
  readonly failed: number;
  readonly timeout: number;
}

export interface ExecutionStats {
  readonly count: number;
  readonly byStatus: Record<string, number>;
  readonly failureRate: number;
  readonly timeoutRate: number;
  /**
   * percentile_cont (linear interpolation) of the durations in the window, each duration taken as
   * its histogram bucket's point: within PERCENTILE_RELATIVE_ERROR of percentile_cont on the rows.
   */
  readonly durationMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
  readonly series?: SeriesPoint[];
}

export interface SkillStats extends ExecutionStats {
  readonly skillId: string | null;
  readonly skillName: string;
}

export interface WorkflowStats extends ExecutionStats {
  readonly workflowId: string | null;
  readonly workflowName: string | null;
  readonly avgStepDurationMs: number | null;
  readonly totalTokens: number;
  readonly costUsd: number;
}

/** Where one kind's stats come from: its rows and its rollup cells, both as cells of the same columns. */
interface Source {
  readonly rows: {
    readonly table: SQL;
    readonly keys: readonly [SQL, SQL];
    readonly status: SQL;
    readonly started: SQL;
    readonly duration: SQL;
    readonly scope: SQL | undefined;
    /** Rows of the scope its rollup cells miss, read from the rows over the rollups' part of the window. */
    readonly missedByRollups: SQL | undefined;
    readonly filter: SQL | undefined;
    /** avg_sum, avg_n, tokens, cost of one row. */
    readonly extras: SQL;
  };
  readonly rollups: {
    readonly table: SQL;
    readonly keys: readonly [SQL, SQL];
    readonly scope: SQL | undefined;
    readonly filter: SQL | undefined;
    readonly extras: SQL;
  };
}

interface StatsRow {
  k1: string | null;
  k2: string | null;
  count: number | string;
  statuses: Record<string, number>;
  /** The merged duration histogram, packed (see unpackHistogram). */
  histogram: string;
  avg_step: number | null;
  tokens: number | string | null;
  cost: number | string | null;
}

const ORIGIN = sql`'1970-01-01T00:00:00Z'::timestamptz`;

/** One part of the window as cells: k1, k2, status, executions, histogram, at, avg_sum, avg_n, tokens, cost. */
function cellsOf(source: Source, segment: Segment): SQL[] {
  const { rows, rollups } = source;
  const fromRows = (scope: SQL | undefined) => sql`
SELECT ${rows.keys[0]} AS k1, ${rows.keys[1]} AS k2, ${rows.status} AS status, 1 AS executions,
  coalesce(execlens_histogram_of_bucket(execlens_duration_bucket(${rows.duration})), 0) AS histogram,
  ${rows.started} AS at, ${rows.extras}
FROM ${rows.table}
WHERE ${and(sql`${rows.started} >= ${segment.from}::timestamptz`, sql`${rows.started} < ${segment.to}::timestamptz`, scope, rows.filter)}`;
  if (segment.source === "rows") return [fromRows(rows.scope)];
  const cells = sql`
SELECT ${rollups.keys[0]} AS k1, ${rollups.keys[1]} AS k2, ${rollups.table}.status AS status,
  ${rollups.table}.executions, ${rollups.table}.duration_histogram AS histogram,
  ${rollups.table}.bucket_start AS at, ${rollups.extras}
FROM ${rollups.table}
WHERE ${and(
    sql`${rollups.table}.bucket_hours = ${segment.source}`,
    sql`${rollups.table}.bucket_start >= ${segment.from}::timestamptz`,
    sql`${rollups.table}.bucket_start < ${segment.to}::timestamptz`,
    rollups.scope,
    rollups.filter,
  )}`;
  return rows.missedByRollups === undefined ? [cells] : [cells, fromRows(rows.missedByRollups)];
}

/** The cells of a segment, or of one taken away with every sum negated. */
function signedCellsOf(source: Source, segment: Segment): SQL[] {
  const cells = cellsOf(source, segment);
  if (!segment.subtract) return cells;
  return cells.map(
    (part) =>
      sql`SELECT k1, k2, status, -executions AS executions, -histogram AS histogram, at, -avg_sum AS avg_sum, -avg_n AS avg_n, -tokens AS tokens, -cost AS cost FROM (${part}) taken`,
  );
}

function unionOf(source: Source, segments: readonly Segment[]): SQL {
  return sql.join(
    segments.flatMap((segment) => signedCellsOf(source, segment)),
    sql` UNION ALL `,
  );
}

/**
 * Stats per key over a window: whole weeks, days, quarter days and hours from the rollup cells,
 * the ragged edges from the rows (some taken away from wider cells, see segmentsOf), merged as
 * cells. Counts are exact; percentiles are read from the merged duration histogram (see
 * PERCENTILE_RELATIVE_ERROR).
 */
function stats(
  db: Database,
  source: Source,
  window: StatsWindow,
): Promise<Array<StatsRow & { series?: SeriesPoint[] }>> {
  return db.transaction(async (tx) => {
    // parallel workers make one request a little faster and cost more CPU in all: with several
    // requests at once (the API's case) every core is busy already, and each waits longer
    await tx.execute(sql`SET LOCAL max_parallel_workers_per_gather = 0`);
    return statsInTransaction(tx, source, window);
  });
}

async function statsInTransaction(
  db: Transaction,
  source: Source,
  window: StatsWindow,
): Promise<Array<StatsRow & { series?: SeriesPoint[] }>> {
  const rows = await queryRows<StatsRow>(
    db,
    sql`
WITH c AS (${unionOf(source, segmentsOf(window.from, window.to))}),
-- per status first: the cells are many, the statuses of a key few, and each is then one object key
s AS (
  SELECT c.k1, c.k2, c.status, sum(c.executions) AS n, sum(c.histogram) AS histogram, sum(c.avg_sum) AS avg_sum,
    sum(c.avg_n) AS avg_n, sum(c.tokens) AS tokens, sum(c.cost) AS cost
  FROM c GROUP BY 1, 2, 3)
SELECT s.k1::text, s.k2, sum(s.n)::int AS count,
  coalesce(jsonb_object_agg(s.status, s.n) FILTER (WHERE s.n <> 0 AND s.status = ANY(${pgArray(WORKFLOW_STATUSES)}::text[])), '{}') AS statuses,
  (sum(s.avg_sum) / NULLIF(sum(s.avg_n), 0))::real AS avg_step, sum(s.tokens)::bigint AS tokens, sum(s.cost)::numeric AS cost,
  -- histograms merge by adding their packed numbers
  sum(s.histogram)::text AS histogram
FROM s GROUP BY 1, 2
-- a key whose cells were all taken away again (executions outside the window only)
HAVING sum(s.n) <> 0
ORDER BY 3 DESC, 2`,
  );
  if (window.bucketSeconds === undefined) return rows;
  const points = await queryRows<{
    k1: string | null;
    k2: string | null;
    bucket: string;
    count: number;
    failed: number;
    timeout: number;
  }>(
    db,
    sql`
WITH c AS (${unionOf(source, segmentsOf(window.from, window.to, window.bucketSeconds))})
SELECT c.k1::text, c.k2, date_bin(make_interval(secs => ${window.bucketSeconds}), c.at, ${ORIGIN}) AS bucket,
  sum(c.executions)::int AS count,
  coalesce(sum(c.executions) FILTER (WHERE c.status = 'failed'), 0)::int AS failed,
  coalesce(sum(c.executions) FILTER (WHERE c.status = 'timeout'), 0)::int AS timeout
FROM c GROUP BY 1, 2, 3 HAVING sum(c.executions) <> 0 ORDER BY 3`,
  );
  return rows.map((row) => ({
    ...row,
    series: points
      .filter((p) => p.k1 === row.k1 && p.k2 === row.k2)
      .map((p) => ({
        bucketStart: timestampFromDatabase(p.bucket),
        count: Number(p.count),
        failed: Number(p.failed),
        timeout: Number(p.timeout),
      })),
  }));
}

function common(row: StatsRow & { series?: SeriesPoint[] }): ExecutionStats {
  const count = Number(row.count);
  const byStatus = Object.fromEntries(Object.entries(row.statuses).map(([k, v]) => [k, Number(v)]));
  const histogram = unpackHistogram(row.histogram);
  return {
    count,
    byStatus,
    failureRate: (byStatus.failed ?? 0) / count,
    timeoutRate: (byStatus.timeout ?? 0) / count,
    durationMs: {
      p50: histogramPercentile(histogram, 0.5),
      p95: histogramPercentile(histogram, 0.95),
      p99: histogramPercentile(histogram, 0.99),
    },
    ...(row.series === undefined ? {} : { series: row.series }),
  };
}

const SKILL_EXTRAS = sql`0::float8 AS avg_sum, 0 AS avg_n, 0::bigint AS tokens, 0::numeric AS cost`;

export async function skillStats(
  db: Database,
  scope: Scope,
  window: StatsWindow,
  filter: { readonly skillId?: string } = {},
): Promise<SkillStats[]> {
  const skillId = filter.skillId === undefined ? undefined : sourceIdToUuid(filter.skillId);
  const rollups = sql`"SkillRollups"`;
  const rows = await stats(
    db,
    {
      rows: {
        table: sql`"SkillExecutions"`,
        keys: [sql`"SkillExecutions".skill_id`, sql`"SkillExecutions".exec_skill_name`],
        status: sql`"SkillExecutions".exec_status`,
        started: sql`"SkillExecutions".exec_started_at`,
        duration: sql`"SkillExecutions".exec_duration_ms`,
        scope: skillInScope(scope),
        missedByRollups: skillMissedByRollups(scope),
        filter: skillId === undefined ? undefined : sql`"SkillExecutions".skill_id = ${skillId}::uuid`,
        extras: SKILL_EXTRAS,
      },
      rollups: {
        table: rollups,
        keys: [sql`${rollups}.skill_id`, sql`${rollups}.skill_name`],
        scope: rollupInScope(scope, rollups),
        filter: skillId === undefined ? undefined : sql`${rollups}.skill_id = ${skillId}::uuid`,
        extras: SKILL_EXTRAS,
      },
    },
    window,
  );
  return rows.map((row) => ({ skillId: row.k1, skillName: row.k2 as string, ...common(row) }));
}

export async function workflowStats(
  db: Database,
  scope: Scope,
  window: StatsWindow,
  filter: { readonly workflowId?: string } = {},
): Promise<WorkflowStats[]> {
  const workflowId = filter.workflowId === undefined ? undefined : sourceIdToUuid(filter.workflowId);
  const rollups = sql`"WorkflowRollups"`;
  const rows = await stats(
    db,
    {
      rows: {
        table: sql`"WorkflowExecutions"`,
        keys: [sql`"WorkflowExecutions".wkfl_id`, sql`"WorkflowExecutions".wkex_workflow_name`],
        status: sql`"WorkflowExecutions".wkex_status`,
        started: sql`"WorkflowExecutions".wkex_started_at`,
        duration: sql`"WorkflowExecutions".wkex_total_duration_ms`,
        scope: workflowInScope(scope),
        missedByRollups: undefined,
        filter:
          workflowId === undefined ? undefined : sql`"WorkflowExecutions".wkfl_id = ${workflowId}::uuid`,
        extras: sql`coalesce("WorkflowExecutions".wkex_avg_step_duration_ms::float8, 0) AS avg_sum,
          (CASE WHEN "WorkflowExecutions".wkex_avg_step_duration_ms IS NULL THEN 0 ELSE 1 END) AS avg_n,
          coalesce("WorkflowExecutions".wkex_total_tokens, 0)::bigint AS tokens,
          coalesce("WorkflowExecutions".wkex_cost_usd, 0)::numeric AS cost`,
      },
      rollups: {
        table: rollups,
        keys: [sql`${rollups}.workflow_id`, sql`${rollups}.workflow_name`],
        scope: rollupInScope(scope, rollups),
        filter: workflowId === undefined ? undefined : sql`${rollups}.workflow_id = ${workflowId}::uuid`,
        extras: sql`${rollups}.avg_step_sum AS avg_sum, ${rollups}.avg_step_count AS avg_n,
          ${rollups}.total_tokens AS tokens, ${rollups}.cost_usd::numeric AS cost`,
      },
    },
    window,
  );
  return rows.map((row) => ({
    workflowId: row.k1,
    workflowName: row.k2,
    ...common(row),
    avgStepDurationMs: row.avg_step === null ? null : Number(row.avg_step),
    totalTokens: Number(row.tokens ?? 0),
    costUsd: Number(row.cost ?? 0),
  }));
}
