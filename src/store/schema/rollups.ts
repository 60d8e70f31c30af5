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
 * hour, or a UTC day made of its hours), their count, duration sum and duration histogram, kept
 * sparse: the buckets in use (see DURATION_BUCKETS_PER_DOUBLING) and how many durations fell in
 * each. Cells are recomputed from the rows (see the 0009 migration), never incremented.
 */
const cell = () => ({
  bucketStart: timestamptz("bucket_start").notNull(),
  /** 1: an hour of rows; 24: a UTC day, made of that day's hour cells. */
  bucketHours: smallint("bucket_hours").notNull(),
  organizationId: uuid("organization_id"),
  companionId: uuid("companion_id"),
  executions: integer("executions").notNull(),
  durationSum: bigint("duration_sum", { mode: "number" }).notNull(),
  durationBuckets: smallint("duration_buckets").array().notNull(),
  durationCounts: integer("duration_counts").array().notNull(),
});

/** Skill executions per hour and day, by skill, organisation, companion and status. */
export const skillRollups = pgTable(
  "SkillRollups",
  {
    ...cell(),
    skillId: uuid("skill_id"),
    skillName: text("skill_name").notNull(),
    status: varchar("status", { length: 20 }).notNull(),
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

/** Workflow executions per hour and day, by workflow, organisation, companion and status. */
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
 * The (kind, hour, name) cells a transaction changed rows of, written by statement triggers on the
 * execution tables and consumed by the same transaction when it commits (a deferred trigger
 * recomputes them). Keyed by transaction, so concurrent writers never wait on each other here.
 */
export const rollupPending = pgTable(
  "RollupPending",
  {
    txid: bigint("txid", { mode: "number" }).notNull().default(sql`txid_current()`),
    kind: varchar("kind", { length: 10 }).notNull(),
    hour: timestamptz("hour").notNull(),
    name: text("name"),
  },
  (t) => [unique("rolluppending_cell").on(t.txid, t.kind, t.hour, t.name).nullsNotDistinct()],
);
