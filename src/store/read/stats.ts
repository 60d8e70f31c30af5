import { and, type SQL, sql } from "drizzle-orm";
import { sourceIdToUuid, type Timestamp, WORKFLOW_STATUSES } from "../../model/index.js";
import type { Database } from "../database.js";
import { timestampFromDatabase } from "../schema/columns.js";
import { queryRows } from "../transaction.js";
import { type Scope, skillInScope, workflowInScope } from "./scope.js";

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
  /** percentile_cont (linear interpolation) of the durations in the window. */
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

interface Source {
  readonly table: SQL;
  readonly keys: readonly [SQL, SQL];
  readonly status: SQL;
  readonly started: SQL;
  readonly duration: SQL;
  readonly scope: SQL | undefined;
  readonly filter: SQL | undefined;
}

interface StatsRow {
  k1: string | null;
  k2: string | null;
  count: number | string;
  statuses: Record<string, number>;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  avg_step: number | null;
  tokens: number | string | null;
  cost: number | string | null;
}

async function stats(
  db: Database,
  source: Source,
  window: StatsWindow,
  extra: SQL,
): Promise<Array<StatsRow & { series?: SeriesPoint[] }>> {
  const where = and(
    sql`${source.started} >= ${window.from}::timestamptz`,
    sql`${source.started} < ${window.to}::timestamptz`,
    source.scope,
    source.filter,
  );
  // One pass over the window: counts per status are FILTERed aggregates (the statuses are a
  // fixed list), percentiles and extras are aggregates of the same GROUP BY.
  const statusCounts = sql.join(
    WORKFLOW_STATUSES.map(
      (status) => sql`${status}::text, NULLIF(count(*) FILTER (WHERE ${source.status} = ${status}), 0)`,
    ),
    sql`, `,
  );
  const rows = await queryRows<StatsRow>(
    db,
    sql`
SELECT ${source.keys[0]} AS k1, ${source.keys[1]} AS k2, count(*)::int AS count,
  jsonb_strip_nulls(jsonb_build_object(${statusCounts})) AS statuses,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${source.duration}) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY ${source.duration}) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY ${source.duration}) AS p99,
  ${extra}
FROM ${source.table} WHERE ${where}
GROUP BY 1, 2
ORDER BY count DESC, k2`,
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
SELECT ${source.keys[0]} AS k1, ${source.keys[1]} AS k2,
  date_bin(make_interval(secs => ${window.bucketSeconds}), ${source.started}, '1970-01-01T00:00:00Z'::timestamptz) AS bucket,
  count(*)::int AS count,
  (count(*) FILTER (WHERE ${source.status} = 'failed'))::int AS failed,
  (count(*) FILTER (WHERE ${source.status} = 'timeout'))::int AS timeout
FROM ${source.table} WHERE ${where}
GROUP BY 1, 2, 3 ORDER BY 3`,
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
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    count,
    byStatus,
    failureRate: (byStatus.failed ?? 0) / count,
    timeoutRate: (byStatus.timeout ?? 0) / count,
    durationMs: { p50: num(row.p50), p95: num(row.p95), p99: num(row.p99) },
    ...(row.series === undefined ? {} : { series: row.series }),
  };
}

export async function skillStats(
  db: Database,
  scope: Scope,
  window: StatsWindow,
  filter: { readonly skillId?: string } = {},
): Promise<SkillStats[]> {
  const rows = await stats(
    db,
    {
      table: sql`"SkillExecutions"`,
      keys: [sql`"SkillExecutions".skill_id::text`, sql`"SkillExecutions".exec_skill_name`],
      status: sql`"SkillExecutions".exec_status`,
      started: sql`"SkillExecutions".exec_started_at`,
      duration: sql`"SkillExecutions".exec_duration_ms`,
      scope: skillInScope(scope),
      filter:
        filter.skillId === undefined
          ? undefined
          : sql`"SkillExecutions".skill_id = ${sourceIdToUuid(filter.skillId)}::uuid`,
    },
    window,
    sql`NULL::real AS avg_step, NULL::bigint AS tokens, NULL::numeric AS cost`,
  );
  return rows.map((row) => ({ skillId: row.k1, skillName: row.k2 as string, ...common(row) }));
}

export async function workflowStats(
  db: Database,
  scope: Scope,
  window: StatsWindow,
  filter: { readonly workflowId?: string } = {},
): Promise<WorkflowStats[]> {
  const rows = await stats(
    db,
    {
      table: sql`"WorkflowExecutions"`,
      keys: [sql`"WorkflowExecutions".wkfl_id::text`, sql`"WorkflowExecutions".wkex_workflow_name`],
      status: sql`"WorkflowExecutions".wkex_status`,
      started: sql`"WorkflowExecutions".wkex_started_at`,
      duration: sql`"WorkflowExecutions".wkex_total_duration_ms`,
      scope: workflowInScope(scope),
      filter:
        filter.workflowId === undefined
          ? undefined
          : sql`"WorkflowExecutions".wkfl_id = ${sourceIdToUuid(filter.workflowId)}::uuid`,
    },
    window,
    sql`avg("WorkflowExecutions".wkex_avg_step_duration_ms)::real AS avg_step,
        coalesce(sum("WorkflowExecutions".wkex_total_tokens), 0)::bigint AS tokens,
        coalesce(sum("WorkflowExecutions".wkex_cost_usd), 0)::numeric AS cost`,
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
