DROP INDEX "idx_skillexecutions_started";--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_conversation" ON "SkillExecutions" USING btree ("exec_conversation_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_conversation" ON "WorkflowExecutions" USING btree ("wkex_conversation_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_started_id" ON "WorkflowExecutions" USING btree ("wkex_started_at" DESC NULLS FIRST,"wkex_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_duration" ON "WorkflowExecutions" USING btree ("wkex_total_duration_ms" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_started" ON "SkillExecutions" USING btree ("exec_started_at" DESC NULLS FIRST,"exec_id" DESC NULLS FIRST);