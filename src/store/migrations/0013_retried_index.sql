CREATE INDEX "idx_skillexecutions_retried" ON "SkillExecutions" USING btree ("exec_started_at" DESC NULLS FIRST) WHERE ("SkillExecutions"."exec_attributes" #>> '{metadata,retry,attemptNumber}') NOT IN ('0', '1');--> statement-breakpoint
-- Without statistics of the attempt number the planner guesses that a third of the rows are
-- retried and reads them all instead of the index; with them it knows how few are.
CREATE STATISTICS "stx_skillexecutions_attempt" ON ("exec_attributes" #>> '{metadata,retry,attemptNumber}') FROM "SkillExecutions";--> statement-breakpoint
ANALYZE "SkillExecutions";
