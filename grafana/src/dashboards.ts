import type { Dashboard, VariableModel } from "@grafana/schema";
import { type SqlPanel, toGrafanaPanels } from "./panels.js";
import {
  companionVariable,
  datasourceVariable,
  organisationVariable,
  sessionVariable,
  skillVariable,
  stuckMinutesVariable,
  userVariable,
  where,
  workflowVariable,
} from "./variables.js";

/** Rows of a dashboard's skill panels: the time range and every variable, on indexed columns. */
const skillFilter = [
  "$__timeFilter(exec_started_at)",
  where.skill("exec_skill_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
  where.user("user_id"),
  where.session("exec_session_id"),
].join("\n  AND ");

const workflowScope = [
  where.workflow("wkex_workflow_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
].join("\n  AND ");
const workflowFilter = `$__timeFilter(wkex_started_at)\n  AND ${workflowScope}`;

/*
 * Sums over long ranges read whole hours from the hour cells of the rollups (by skill or
 * workflow, organisation, companion and status) and only the ragged edges from the rows: when
 * every interval is whole hours (a cell never straddles two; a table over the whole range has no
 * interval) and every variable chosen is one the cells hold. Otherwise the rows. The cells cover
 * [hoursFrom, hoursTo), the rows the rest of the range; the conditions are constants, so
 * PostgreSQL runs only the branches they leave.
 */
const hoursFrom = `date_bin('1 hour', $__timeFrom()::timestamptz + interval '1 hour' - interval '1 microsecond', '1970-01-01T00:00:00Z')`;
const hoursTo = `greatest(${hoursFrom}, date_bin('1 hour', $__timeTo()::timestamptz, '1970-01-01T00:00:00Z'))`;
const WHOLE_HOURS = "$__interval_ms % 3600000 = 0";

interface HourCellsAndRows {
  /** When the cells may be used: a constant condition on the interval and variables. */
  readonly useCells: string;
  /** SELECT … FROM the rollup table, naming the columns. */
  readonly cells: string;
  readonly cellFilter: string;
  /** SELECT … FROM the execution table: the same columns from one row. */
  readonly rows: string;
  readonly started: string;
  readonly rowFilter: string;
}

function hourCellsAndRows(o: HourCellsAndRows): string {
  return `${o.cells}
  WHERE ${o.useCells} AND bucket_hours = 1 AND bucket_start >= ${hoursFrom} AND bucket_start < ${hoursTo}
    AND ${o.cellFilter}
  UNION ALL
  ${o.rows}
  WHERE ${o.rowFilter} AND NOT ${o.useCells}
  UNION ALL
  ${o.rows}
  WHERE ${o.rowFilter} AND ${o.useCells} AND ${o.started} < ${hoursFrom}
  UNION ALL
  ${o.rows}
  WHERE ${o.rowFilter} AND ${o.useCells} AND ${o.started} >= ${hoursTo}`;
}

/** The variables the skill cells hold. */
const skillCellFilter = [
  where.skill("skill_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
].join(" AND ");
/** The skill cells have no user or session: with either chosen, the rows. */
const NO_USER_OR_SESSION = `('$user' = '' AND '$session' = '')`;

/** Skill executions of the range and variables as (at, status, n), for counts per interval. */
const skillCounts = hourCellsAndRows({
  useCells: `(${WHOLE_HOURS} AND ${NO_USER_OR_SESSION})`,
  cells: `SELECT bucket_start AS at, status, executions AS n FROM "SkillRollups"`,
  cellFilter: skillCellFilter,
  rows: `SELECT exec_started_at, exec_status, 1 FROM "SkillExecutions"`,
  started: "exec_started_at",
  rowFilter: skillFilter,
});

/**
 * Skill executions of the range and variables as (skill, n, histogram), for duration percentiles
 * over the whole range: the rows' durations become packed histograms (migration 0011) that sum()
 * merges with the cells', read by execlens_histogram_percentile (within PERCENTILE_RELATIVE_ERROR
 * of percentile_cont on the rows, see read/duration-histogram.ts).
 */
const skillDurations = hourCellsAndRows({
  useCells: NO_USER_OR_SESSION,
  cells: `SELECT skill_name AS skill, executions AS n, duration_histogram AS histogram FROM "SkillRollups"`,
  cellFilter: skillCellFilter,
  rows: `SELECT exec_skill_name, 1, execlens_histogram_of_bucket(execlens_duration_bucket(exec_duration_ms))
    FROM "SkillExecutions"`,
  started: "exec_started_at",
  rowFilter: skillFilter,
});

/**
 * Skill executions of the range and variables as (skill, n, own, db, db_n, api, api_n): where their
 * time went, from metadata.performance as execlens_skill_performance reads it (migration 0015),
 * summed by the cells for whole hours.
 */
const skillPerformance = hourCellsAndRows({
  useCells: NO_USER_OR_SESSION,
  cells: `SELECT skill_name AS skill, performance_count AS n, own_time_sum AS own, db_time_sum AS db,
    db_time_count AS db_n, api_time_sum AS api, api_time_count AS api_n FROM "SkillRollups"`,
  cellFilter: `performance_count > 0 AND ${skillCellFilter}`,
  rows: `SELECT exec_skill_name, p.* FROM "SkillExecutions" CROSS JOIN LATERAL execlens_skill_performance(exec_attributes) p`,
  started: "exec_started_at",
  rowFilter: `${skillFilter}\n  AND exec_attributes #> '{metadata,performance,transformTime}' IS NOT NULL`,
});

const workflowCellFilter = [
  where.workflow("workflow_name"),
  where.companion("companion_id"),
  where.organisation("organization_id"),
].join(" AND ");

/** Workflow executions of the range and variables as (at, name, status, n, tokens, cost), for sums per interval. */
const workflowSums = hourCellsAndRows({
  useCells: `(${WHOLE_HOURS})`,
  cells: `SELECT bucket_start AS at, workflow_name AS name, status, executions AS n, total_tokens AS tokens,
    cost_usd AS cost FROM "WorkflowRollups"`,
  cellFilter: workflowCellFilter,
  rows: `SELECT wkex_started_at, wkex_workflow_name, wkex_status, 1, coalesce(wkex_total_tokens, 0)::bigint,
    coalesce(wkex_cost_usd, 0)::numeric(18, 8) FROM "WorkflowExecutions"`,
  started: "wkex_started_at",
  rowFilter: workflowFilter,
});

/**
 * Workflow executions of the range and variables as (at, duration_sum, histogram, step_sum,
 * steps), for average durations per interval. A cell's duration_sum counts a missing duration as
 * 0, so the durations it averages over are its histogram's count, not its executions; counted
 * once per interval, from the sum (a numeric modulo per cell would cost more than the sum). A row
 * with a duration adds 1 to bucket 0: only the count is read, and a number per row is cheaper.
 */
const workflowDurations = hourCellsAndRows({
  useCells: `(${WHOLE_HOURS})`,
  cells: `SELECT bucket_start AS at, duration_sum, duration_histogram AS histogram, avg_step_sum AS step_sum,
    avg_step_count AS steps FROM "WorkflowRollups"`,
  cellFilter: workflowCellFilter,
  rows: `SELECT wkex_started_at, coalesce(wkex_total_duration_ms, 0)::bigint, (wkex_total_duration_ms IS NOT NULL)::int::numeric,
    coalesce(wkex_avg_step_duration_ms, 0)::float8, (wkex_avg_step_duration_ms IS NOT NULL)::int FROM "WorkflowExecutions"`,
  started: "wkex_started_at",
  rowFilter: workflowFilter,
});

/**
 * Points of the panels per interval read from the cells: Grafana's auto interval over 30 days is
 * then 1 h (range / points, rounded), which the hour cells serve; over a day it stays minutes,
 * from the rows.
 */
const LONG_RANGE_POINTS = 500;

export interface DashboardDefinition {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableModel[];
  readonly panels: readonly SqlPanel[];
}

export const skillExecutions: DashboardDefinition = {
  uid: "execlens-skills",
  title: "execlens · Skill executions",
  description: "Throughput, failures, timeouts and durations of skill executions",
  variables: [
    datasourceVariable,
    organisationVariable,
    companionVariable,
    skillVariable,
    userVariable,
    sessionVariable,
  ],
  panels: [
    {
      title: "Throughput by status",
      kind: "timeseries",
      description: "Skill executions started per interval, by status",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval), status AS metric, sum(n) AS value
FROM (${skillCounts}) c
GROUP BY 1, 2
ORDER BY 1`,
    },
    {
      title: "Failure and timeout rate",
      kind: "timeseries",
      description: "Share of the executions started per interval that failed or timed out",
      unit: "percent",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval),
  100.0 * coalesce(sum(n) FILTER (WHERE status = 'failed'), 0) / sum(n) AS "failed %",
  100.0 * coalesce(sum(n) FILTER (WHERE status = 'timeout'), 0) / sum(n) AS "timed out %"
FROM (${skillCounts}) c
GROUP BY 1
ORDER BY 1`,
    },
    {
      title: "Duration per skill (p50, p95, p99)",
      kind: "table",
      description:
        "Duration percentiles of each skill over the time range, from duration histograms (within 4.3 % of the exact percentiles)",
      sql: `SELECT skill, sum(n) AS executions,
  execlens_histogram_percentile(sum(histogram), 0.5) AS p50_ms,
  execlens_histogram_percentile(sum(histogram), 0.95) AS p95_ms,
  execlens_histogram_percentile(sum(histogram), 0.99) AS p99_ms
FROM (${skillDurations}) d
GROUP BY skill
ORDER BY p95_ms DESC, skill
LIMIT 100`,
    },
    {
      title: "Slowest executions",
      kind: "table",
      description: "The longest skill executions of the time range",
      sql: `SELECT exec_started_at AS time, exec_skill_name AS skill, exec_status AS status,
  exec_duration_ms AS duration_ms, exec_error_message AS error, exec_id
FROM "SkillExecutions"
WHERE ${skillFilter}
  AND exec_duration_ms IS NOT NULL
ORDER BY exec_duration_ms DESC
LIMIT 20`,
    },
    {
      title: "Latest failures",
      kind: "table",
      description: "The most recent failed or timed-out skill executions, with their error",
      sql: `SELECT exec_started_at AS time, exec_skill_name AS skill, exec_status AS status,
  exec_error_message AS error, exec_duration_ms AS duration_ms, exec_id, wkex_id
FROM "SkillExecutions"
WHERE ${skillFilter}
  AND exec_status IN ('failed', 'timeout')
ORDER BY exec_started_at DESC
LIMIT 50`,
    },
    {
      title: "Where skill time goes (db, API, own)",
      kind: "barchart",
      description:
        "Average time of each skill spent in db queries, in HTTP calls and in its own work (metadata.performance), for skills that made such calls, the slowest first",
      unit: "ms",
      sql: `SELECT skill,
  round(sum(db) / nullif(sum(db_n), 0), 3)::float8 AS "db ms",
  round(sum(api) / nullif(sum(api_n), 0), 3)::float8 AS "API ms",
  round(sum(own) / sum(n), 3)::float8 AS "own ms"
FROM (${skillPerformance}) p
GROUP BY skill
HAVING sum(n) > 0
ORDER BY (sum(own) + sum(db) + sum(api)) / sum(n) DESC, skill
LIMIT 20`,
    },
    {
      title: "Retries",
      kind: "table",
      description:
        "Skills that needed more than one attempt (metadata.retry): how often, the most attempts, and the error most often seen before a retry",
      sql: `SELECT exec_skill_name AS skill, count(*) AS retried,
  max(exec_retry_attempt) AS max_attempt,
  count(*) FILTER (WHERE exec_status = 'completed') AS succeeded,
  mode() WITHIN GROUP (ORDER BY exec_attributes #>> '{metadata,retry,previousErrors,0}') AS top_previous_error
FROM "SkillExecutions"
WHERE ${skillFilter}
  -- idx_skillexecutions_retried's condition: only the retried executions are read
  AND exec_retry_attempt IS NOT NULL
GROUP BY exec_skill_name
ORDER BY retried DESC
LIMIT 50`,
    },
  ],
};

export const workflowExecutions: DashboardDefinition = {
  uid: "execlens-workflows",
  title: "execlens · Workflow executions",
  description: "Live, completed, failed and stuck workflow executions",
  variables: [
    datasourceVariable,
    organisationVariable,
    companionVariable,
    workflowVariable,
    stuckMinutesVariable,
  ],
  panels: [
    {
      title: "Running and paused now",
      kind: "table",
      description: "Workflow executions in progress, with their current step and progress",
      sql: `SELECT wkex_started_at AS time, wkex_execution_id AS execution, wkex_workflow_name AS workflow,
  wkex_status AS status, wkex_current_step_id AS current_step, wkex_completed_steps AS completed_steps,
  wkex_total_steps AS total_steps,
  round(100.0 * wkex_completed_steps / NULLIF(wkex_total_steps, 0), 1) AS progress_percent
FROM "WorkflowExecutions"
WHERE wkex_status IN ('running', 'paused')
  AND ${workflowScope}
ORDER BY wkex_started_at DESC
LIMIT 200`,
    },
    {
      title: "Completion rate",
      kind: "timeseries",
      description: "Share of the workflow executions started per interval that completed",
      unit: "percent",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval),
  100.0 * coalesce(sum(n) FILTER (WHERE status = 'completed'), 0) / sum(n) AS "completed %"
FROM (${workflowSums}) c
GROUP BY 1
ORDER BY 1`,
    },
    {
      title: "Duration and average step duration",
      kind: "timeseries",
      description: "Average total and per-step duration of the executions started per interval",
      unit: "ms",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval),
  sum(duration_sum) / nullif(execlens_histogram_count(sum(histogram)), 0) AS "duration ms",
  sum(step_sum) / nullif(sum(steps), 0) AS "step duration ms"
FROM (${workflowDurations}) d
GROUP BY 1
ORDER BY 1`,
    },
    {
      title: "Failures by error step",
      kind: "barchart",
      description: "Failed workflow executions of the time range, by the step that failed",
      sql: `SELECT coalesce(wkex_error_step, '(none)') AS error_step, count(*) AS failures
FROM "WorkflowExecutions"
WHERE wkex_status = 'failed'
  AND ${workflowFilter}
GROUP BY 1
ORDER BY 2 DESC
LIMIT 50`,
    },
    {
      title: "Stuck executions",
      kind: "table",
      description: "Running or paused for longer than the chosen threshold",
      sql: `SELECT wkex_started_at AS time, wkex_execution_id AS execution, wkex_workflow_name AS workflow,
  wkex_status AS status, wkex_current_step_id AS current_step,
  round(extract(epoch FROM now() - wkex_started_at) / 60) AS minutes
FROM "WorkflowExecutions"
WHERE wkex_status IN ('running', 'paused')
  AND wkex_started_at < now() - interval '$stuck_minutes minutes'
  AND ${workflowScope}
ORDER BY wkex_started_at
LIMIT 200`,
    },
  ],
};

/** Executions, tokens and cost of the time range, grouped by `expression` (named `alias`). */
function costBy(title: string, description: string, expression: string, alias: string): SqlPanel {
  return {
    title,
    kind: "table",
    description,
    sql: `SELECT ${expression} AS ${alias}, count(*) AS executions,
  coalesce(sum(wkex_total_tokens), 0) AS tokens, coalesce(sum(wkex_cost_usd), 0)::float8 AS cost_usd
FROM "WorkflowExecutions"
WHERE ${workflowFilter}
GROUP BY 1
ORDER BY cost_usd DESC, tokens DESC
LIMIT 100`,
  };
}

export const costAndTokens: DashboardDefinition = {
  uid: "execlens-cost",
  title: "execlens · Cost and tokens",
  description: "Tokens and cost of workflow executions",
  variables: [datasourceVariable, organisationVariable, companionVariable, workflowVariable],
  panels: [
    {
      title: "Tokens over time",
      kind: "timeseries",
      description: "Tokens of the workflow executions started per interval, by workflow",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval), name AS metric, sum(tokens) AS value
FROM (${workflowSums}) c
GROUP BY 1, 2
ORDER BY 1`,
    },
    {
      title: "Cost over time (USD)",
      kind: "timeseries",
      description: "Cost of the workflow executions started per interval",
      unit: "currencyUSD",
      maxDataPoints: LONG_RANGE_POINTS,
      sql: `SELECT $__timeGroupAlias(at, $__interval), sum(cost)::float8 AS "cost USD"
FROM (${workflowSums}) c
GROUP BY 1
ORDER BY 1`,
    },
    costBy("By workflow", "Executions, tokens and cost per workflow", "wkex_workflow_name", "workflow"),
    costBy("By companion", "Executions, tokens and cost per companion", "companion_id", "companion"),
    costBy(
      "By model",
      "Executions, tokens and cost per model (metadata.cost.model)",
      "coalesce(wkex_attributes #>> '{metadata,cost,model}', '(unknown)')",
      "model",
    ),
    {
      title: "Model requests by model",
      kind: "table",
      description:
        "Model requests started in the range (leaf requests: wrappers repeat their children's usage), with tokens, cost and p95 latency",
      sql: `SELECT coalesce(c.model, '(unknown)') AS model, count(*) AS requests,
  coalesce(sum(c.total_tokens), 0) AS tokens, coalesce(sum(c.cost_usd), 0)::float8 AS cost_usd,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY c.duration_ms) AS p95_ms
FROM "LlmCalls" c JOIN "WorkflowExecutions" w ON w.wkex_id = c.wkex_id
WHERE $__timeFilter(c.started_at) AND c.leaf
  AND ${workflowScope}
GROUP BY 1
ORDER BY cost_usd DESC, tokens DESC
LIMIT 100`,
    },
  ],
};

export const DASHBOARDS: readonly DashboardDefinition[] = [
  skillExecutions,
  workflowExecutions,
  costAndTokens,
];

/** The dashboard JSON Grafana imports (the file provisioning loads). */
export function toDashboardJson(definition: DashboardDefinition): Dashboard {
  return {
    uid: definition.uid,
    title: definition.title,
    description: definition.description,
    tags: ["execlens"],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-24h", to: "now" },
    refresh: "1m",
    timezone: "browser",
    templating: { list: [...definition.variables] },
    panels: toGrafanaPanels(definition.panels),
  } as Dashboard;
}
