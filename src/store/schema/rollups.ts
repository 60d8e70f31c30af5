import { sql } from "drizzle-orm";
import {
  bigint,
  doublePrecision,
  index,
  integer,
  numeric,
  pgTable,
  smallint,
  text,
  unique,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/**
 * What every rollup cell holds: the executions of one key that started in one bucket of time (an
 * hour, a quarter day, a UTC day or a 7-day week, see CELL_HOURS in read/stats-segments.ts), their
 * count, duration sum and duration histogram.
 * Cells change by the net change of the rows a transaction wrote (see RollupChanges), and are
 * rebuilt from the rows by the 0010 migration and `execlens rollups rebuild`.
 */
const cell = () => ({
  bucketStart: timestamptz("bucket_start").notNull(),
  /** The cell's width in hours: 1, 6, 24 or 168, each aligned to the Unix epoch. */
  bucketHours: smallint("bucket_hours").notNull(),
  organizationId: uuid("organization_id"),
  companionId: uuid("companion_id"),
  executions: integer("executions").notNull(),
  durationSum: bigint("duration_sum", { mode: "number" }).notNull(),
  /**
   * How many durations fell in each histogram bucket (see read/duration-histogram.ts), packed in
   * one number: bucket b's count in decimal digits 10b to 10b+9 from the right, so that adding
   * histograms is adding numbers (sum() in SQL) and a cell's histogram changes by `+`.
   */
  durationHistogram: numeric("duration_histogram").notNull(),
});

/**
 * Where the time of a cell's skill executions went, from their metadata.performance (written by the
 * app or derived from their db and HTTP calls, see recompute-skills.ts): how many executions have a
 * numeric transformTime, its sum, and among those the sums and counts of numeric dbQueryTime and
 * apiCallTime. Numeric, so cells that change by +new −old stay exactly the rows' sums. Read by
 * execlens_skill_performance (migration 0015) from each row.
 */
const performance = () => ({
  performanceCount: integer("performance_count").notNull().default(0),
  ownTimeSum: numeric("own_time_sum").notNull().default("0"),
  dbTimeSum: numeric("db_time_sum").notNull().default("0"),
  dbTimeCount: integer("db_time_count").notNull().default(0),
  apiTimeSum: numeric("api_time_sum").notNull().default("0"),
  apiTimeCount: integer("api_time_count").notNull().default(0),
});

/** Skill executions per hour, quarter day, day and week, by skill, organisation, companion and status. */
export const skillRollups = pgTable(
  "SkillRollups",
  {
    ...cell(),
    skillId: uuid("skill_id"),
    skillName: text("skill_name").notNull(),
    status: varchar("status", { length: 20 }).notNull(),
    ...performance(),
  },
  (t) => [
    // one cell per key; also how a recompute finds a name's cells in a span of time
    unique("skillrollups_cell")
      .on(t.bucketHours, t.skillName, t.bucketStart, t.skillId, t.organizationId, t.companionId, t.status)
      .nullsNotDistinct(),
    // stats read every cell of a span of time
    index("idx_skillrollups_time").on(t.bucketHours, t.bucketStart),
  ],
);

/** Workflow executions per hour, quarter day, day and week, by workflow, organisation, companion and status. */
export const workflowRollups = pgTable(
  "WorkflowRollups",
  {
    ...cell(),
    workflowId: uuid("workflow_id"),
    workflowName: text("workflow_name"),
    status: varchar("status", { length: 20 }).notNull(),
    totalTokens: bigint("total_tokens", { mode: "number" }).notNull(),
    costUsd: numeric("cost_usd", { precision: 18, scale: 8, mode: "number" }).notNull(),
    /** Sum and count of the rows' wkex_avg_step_duration_ms, for their average. */
    avgStepSum: doublePrecision("avg_step_sum").notNull(),
    avgStepCount: integer("avg_step_count").notNull(),
  },
  (t) => [
    unique("workflowrollups_cell")
      .on(
        t.bucketHours,
        t.workflowName,
        t.bucketStart,
        t.workflowId,
        t.organizationId,
        t.companionId,
        t.status,
      )
      .nullsNotDistinct(),
    index("idx_workflowrollups_time").on(t.bucketHours, t.bucketStart),
  ],
);

/**
 * What each statement of a transaction changed in the cells, written by statement triggers on the
 * execution tables from the rows it inserted, deleted or updated (new rows count +1, old rows −1,
 * per cell and duration bucket: an update that moves nothing nets to no row). When the
 * transaction commits, a deferred trigger adds the net change to the cells of every width and
 * drops the cells left empty. Keyed by transaction, so concurrent writers never meet here.
 */
export const rollupChanges = pgTable(
  "RollupChanges",
  {
    txid: bigint("txid", { mode: "number" }).notNull().default(sql`txid_current()`),
    kind: varchar("kind", { length: 10 }).notNull(),
    hour: timestamptz("hour").notNull(),
    id: uuid("id"),
    name: text("name"),
    organizationId: uuid("organization_id"),
    companionId: uuid("companion_id"),
    status: varchar("status", { length: 20 }).notNull(),
    /** The duration's histogram bucket; null when the rows have no duration. */
    bucket: smallint("bucket"),
    executions: integer("executions").notNull(),
    durationSum: bigint("duration_sum", { mode: "number" }).notNull(),
    totalTokens: bigint("total_tokens", { mode: "number" }).notNull(),
    costUsd: numeric("cost_usd", { precision: 18, scale: 8, mode: "number" }).notNull(),
    avgStepSum: doublePrecision("avg_step_sum").notNull(),
    avgStepCount: integer("avg_step_count").notNull(),
    /** Skills only (zero for workflows). */
    ...performance(),
  },
  (t) => [index("idx_rollupchanges_txid").on(t.txid)],
);
