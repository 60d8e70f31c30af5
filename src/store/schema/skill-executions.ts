import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { SKILL_STATUSES, type SkillAttributes, type SkillStatus } from "../../model/index.js";
import { createdAt, sqlList, timestamptz } from "./columns.js";

/** The seed's "SkillExecutions", plus wkex_id, organization_id, exec_skill_name and the trace link. */
export const skillExecutions = pgTable(
  "SkillExecutions",
  {
    execId: uuid("exec_id").primaryKey(),
    skillId: uuid("skill_id"),
    companionId: uuid("companion_id"),
    userId: uuid("user_id"),
    organizationId: uuid("organization_id"),
    wkexId: uuid("wkex_id"),
    skillName: text("exec_skill_name").notNull(),
    status: varchar("exec_status", { length: 20 }).$type<SkillStatus>().notNull().default("pending"),
    startedAt: timestamptz("exec_started_at").notNull().default(sql`now()`),
    completedAt: timestamptz("exec_completed_at"),
    durationMs: integer("exec_duration_ms"),
    sessionId: varchar("exec_session_id", { length: 100 }),
    conversationId: varchar("exec_conversation_id", { length: 100 }),
    stepNumber: integer("exec_step_number"),
    errorMessage: text("exec_error_message"),
    attributes: jsonb("exec_attributes")
      .$type<SkillAttributes>()
      .notNull()
      .default(sql`'{"input_data": null, "output_data": null, "metadata": {}}'::jsonb`),
    // metadata.retry.attemptNumber of a retried execution (above 1), set by a trigger from
    // exec_attributes: the retried index's condition and its statistics, without the document
    retryAttempt: integer("exec_retry_attempt"),
    traceId: varchar("exec_trace_id", { length: 32 }),
    spanId: varchar("exec_span_id", { length: 16 }),
    createdAt: createdAt("exec_created_at"),
  },
  (t) => [
    check("skillexecutions_status_check", sql`${t.status} IN (${sqlList(SKILL_STATUSES)})`),
    index("idx_skillexecutions_skill").on(t.skillId),
    index("idx_skillexecutions_companion").on(t.companionId),
    index("idx_skillexecutions_user").on(t.userId),
    index("idx_skillexecutions_status").on(t.status),
    index("idx_skillexecutions_session").on(t.sessionId),
    index("idx_skillexecutions_created").on(t.createdAt.desc().nullsFirst()),
    index("idx_skillexecutions_status_created").on(t.status, t.createdAt.desc().nullsFirst()),
    index("idx_skillexecutions_duration").on(t.durationMs.desc().nullsFirst()),
    index("idx_skillexecutions_workflow_execution").on(t.wkexId),
    // equality on the organisation, and an organisation's pages in keyset order
    index("idx_skillexecutions_org").on(
      t.organizationId,
      t.startedAt.desc().nullsFirst(),
      t.execId.desc().nullsFirst(),
    ),
    // Keyset pages by start: (started, id) in one index serves ORDER BY … LIMIT without a sort.
    index("idx_skillexecutions_started").on(t.startedAt.desc().nullsFirst(), t.execId.desc().nullsFirst()),
    index("idx_skillexecutions_conversation").on(t.conversationId),
    // Dashboards filter and group by the readable name.
    index("idx_skillexecutions_name_started").on(t.skillName, t.startedAt.desc().nullsFirst()),
    // The Retries panel reads the retried executions only: few, and otherwise found by reading
    // every row of the range.
    index("idx_skillexecutions_retried")
      .on(t.startedAt.desc().nullsFirst())
      .where(sql`${t.retryAttempt} IS NOT NULL`),
  ],
);

export type SkillExecution = typeof skillExecutions.$inferSelect;
export type NewSkillExecution = typeof skillExecutions.$inferInsert;
