import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  real,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import {
  STARTED_UNFINISHED_STATUSES,
  WORKFLOW_STATUSES,
  type WorkflowAttributes,
  type WorkflowStatus,
} from "../../model/index.js";
import { createdAt, sqlList, timestamptz } from "./columns.js";

/**
 * The seed's "WorkflowExecutions", plus the workflow name, trace link, tokens and cost, the
 * `timeout` status, and `wkex_span_received`: whether the workflow's own span has arrived
 * (until then the row is built from its children and is `running`).
 */
export const workflowExecutions = pgTable(
  "WorkflowExecutions",
  {
    wkexId: uuid("wkex_id").primaryKey(),
    executionId: varchar("wkex_execution_id", { length: 100 }).notNull(),
    workflowId: uuid("wkfl_id"),
    workflowName: text("wkex_workflow_name"),
    companionId: uuid("companion_id"),
    userId: uuid("user_id"),
    organizationId: uuid("organization_id"),
    sessionId: varchar("wkex_session_id", { length: 100 }),
    conversationId: varchar("wkex_conversation_id", { length: 100 }),
    status: varchar("wkex_status", { length: 20 }).$type<WorkflowStatus>().notNull().default("pending"),
    currentStepId: varchar("wkex_current_step_id", { length: 100 }),
    currentStepOrder: integer("wkex_current_step_order").default(0),
    totalSteps: integer("wkex_total_steps").default(0),
    completedSteps: integer("wkex_completed_steps").default(0),
    startedAt: timestamptz("wkex_started_at").notNull().default(sql`now()`),
    completedAt: timestamptz("wkex_completed_at"),
    totalDurationMs: integer("wkex_total_duration_ms"),
    avgStepDurationMs: real("wkex_avg_step_duration_ms"),
    errorMessage: text("wkex_error_message"),
    errorStep: varchar("wkex_error_step", { length: 100 }),
    debugMode: boolean("wkex_debug_mode").notNull().default(false),
    logLevel: varchar("wkex_log_level", { length: 20 }).notNull().default("info"),
    totalTokens: bigint("wkex_total_tokens", { mode: "number" }),
    costUsd: numeric("wkex_cost_usd", { precision: 18, scale: 8, mode: "number" }),
    attributes: jsonb("wkex_attributes")
      .$type<WorkflowAttributes>()
      .notNull()
      .default(
        sql`'{"initial_input": null, "final_output": null, "intermediate_results": {}, "ai_sdk_messages": [], "ai_sdk_steps": [], "ai_sdk_callbacks": {}, "execution_config": {}, "metadata": {}}'::jsonb`,
      ),
    traceId: varchar("wkex_trace_id", { length: 32 }),
    spanId: varchar("wkex_span_id", { length: 16 }),
    spanReceived: boolean("wkex_span_received").notNull().default(false),
    createdAt: createdAt("wkex_created_at"),
    updatedAt: createdAt("wkex_updated_at"),
  },
  (t) => [
    check("workflowexecutions_status_check", sql`${t.status} IN (${sqlList(WORKFLOW_STATUSES)})`),
    uniqueIndex("idx_workflowexecutions_execution_id").on(t.executionId),
    index("idx_workflowexecutions_workflow").on(t.workflowId),
    index("idx_workflowexecutions_companion").on(t.companionId),
    index("idx_workflowexecutions_user").on(t.userId),
    index("idx_workflowexecutions_org").on(t.organizationId),
    index("idx_workflowexecutions_status").on(t.status),
    index("idx_workflowexecutions_session").on(t.sessionId),
    index("idx_workflowexecutions_started").on(t.startedAt.desc().nullsFirst()),
    index("idx_workflowexecutions_status_started").on(t.status, t.startedAt.desc().nullsFirst()),
    index("idx_workflowexecutions_conversation").on(t.conversationId),
    // Keyset pages by start: (started, id) in one index serves ORDER BY … LIMIT without a sort.
    index("idx_workflowexecutions_started_id").on(
      t.startedAt.desc().nullsFirst(),
      t.wkexId.desc().nullsFirst(),
    ),
    // An organisation's pages (its filter, and every reader scoped to it) without reading the
    // other organisations' rows of the same time
    index("idx_workflowexecutions_org_started").on(
      t.organizationId,
      t.startedAt.desc().nullsFirst(),
      t.wkexId.desc().nullsFirst(),
    ),
    index("idx_workflowexecutions_duration").on(t.totalDurationMs.desc().nullsFirst()),
    // Dashboards filter and group by the readable name, and cost by model.
    index("idx_workflowexecutions_name_started").on(t.workflowName, t.startedAt.desc().nullsFirst()),
    index("idx_workflowexecutions_model").on(sql`(${t.attributes} #>> '{metadata,cost,model}')`),
    index("idx_workflowexecutions_current_step")
      .on(t.currentStepOrder)
      .where(sql`${t.status} IN (${sqlList(STARTED_UNFINISHED_STATUSES)})`),
    // the workflows a request's entry span encloses, found when that span arrives (often last)
    index("idx_workflowexecutions_trace").on(t.traceId),
    index("idx_workflowexecutions_failed").on(t.errorStep, t.errorMessage).where(sql`${t.status} = 'failed'`),
  ],
);

export type WorkflowExecution = typeof workflowExecutions.$inferSelect;
export type NewWorkflowExecution = typeof workflowExecutions.$inferInsert;
