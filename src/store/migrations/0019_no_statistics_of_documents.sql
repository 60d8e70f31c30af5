-- The large JSON documents (an execution's attributes, a model request's messages and step) are
-- never compared whole in a query: what the planner estimates are expressions on them, whose
-- statistics come from their expression indexes. Column statistics of the documents cost every
-- ANALYZE (autovacuum's and execlens's own as tables grow) a detoast of each sampled document and
-- a sort of them, for nothing: a third of the time of analyzing "LlmCalls", more than half of
-- "WorkflowStepExecutions".
ALTER TABLE "WorkflowExecutions" ALTER COLUMN wkex_attributes SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "WorkflowStepExecutions" ALTER COLUMN wstp_attributes SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "SkillExecutions" ALTER COLUMN exec_attributes SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "LlmCalls" ALTER COLUMN messages SET STATISTICS 0, ALTER COLUMN step SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "AiCalls" ALTER COLUMN change SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "ClientCalls" ALTER COLUMN detail SET STATISTICS 0;
