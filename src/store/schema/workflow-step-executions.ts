import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { type StepAttributes, WORKFLOW_STATUSES, type WorkflowStatus } from "../../model/index.js";
import { createdAt, sqlList, timestamptz } from "./columns.js";

/** "WorkflowStepExecutions", which the seed references: one row per step span of a workflow execution. */
export const workflowStepExecutions = pgTable(
  "WorkflowStepExecutions",
  {
    wstpId: uuid("wstp_id").primaryKey(),
    wkexId: uuid("wkex_id").notNull(),
    stepId: varchar("wstp_step_id", { length: 100 }),
    stepOrder: integer("wstp_step_order"),
    status: varchar("wstp_status", { length: 20 }).$type<WorkflowStatus>().notNull().default("pending"),
    startedAt: timestamptz("wstp_started_at").notNull().default(sql`now()`),
    completedAt: timestamptz("wstp_completed_at"),
    durationMs: integer("wstp_duration_ms"),
    errorMessage: text("wstp_error_message"),
    attributes: jsonb("wstp_attributes")
      .$type<StepAttributes>()
      .notNull()
      .default(sql`'{"input": null, "output": null, "metadata": {}}'::jsonb`),
    createdAt: createdAt("wstp_created_at"),
  },
  (t) => [
    check("workflowstepexecutions_status_check", sql`${t.status} IN (${sqlList(WORKFLOW_STATUSES)})`),
    index("idx_workflowstepexecutions_workflow_execution").on(t.wkexId, t.stepOrder),
  ],
);

export type WorkflowStepExecution = typeof workflowStepExecutions.$inferSelect;
