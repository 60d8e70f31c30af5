-- The retried executions' index and the planner's knowledge of how few they are (0013) were both
-- on an expression of exec_attributes: every ANALYZE of "SkillExecutions" (execlens's own as the
-- table grows, and autovacuum's) decompressed each sampled document, twice, to evaluate it — more
-- than half of its time (366 -> 146 ms on 8,000 skills without the statistics object). The attempt
-- number of a retried execution now has a column of its own, kept by a trigger from the document
-- on every write of it; its column statistics tell the planner how few the retried are.
ALTER TABLE "SkillExecutions" ADD COLUMN "exec_retry_attempt" integer;--> statement-breakpoint
-- metadata.retry.attemptNumber when it is a whole number above 1, else NULL (a first attempt, or
-- text that is no count: no write is refused for it)
CREATE FUNCTION execlens_skill_retry_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  attempt text := NEW.exec_attributes #>> '{metadata,retry,attemptNumber}';
BEGIN
  NEW.exec_retry_attempt := CASE WHEN attempt !~ '^[0-9]{1,9}$' THEN NULL WHEN attempt::integer > 1 THEN attempt::integer END;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_retry_attempt" BEFORE INSERT OR UPDATE OF exec_attributes ON "SkillExecutions"
  FOR EACH ROW EXECUTE FUNCTION execlens_skill_retry_attempt();--> statement-breakpoint
-- the rows kept so far, found through the old index while it is there, rewritten for the trigger
UPDATE "SkillExecutions" SET exec_attributes = exec_attributes
WHERE (exec_attributes #>> '{metadata,retry,attemptNumber}') NOT IN ('0', '1');--> statement-breakpoint
DROP STATISTICS "stx_skillexecutions_attempt";--> statement-breakpoint
DROP INDEX "idx_skillexecutions_retried";--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_retried" ON "SkillExecutions" USING btree ("exec_started_at" DESC NULLS FIRST) WHERE "SkillExecutions"."exec_retry_attempt" IS NOT NULL;--> statement-breakpoint
ANALYZE "SkillExecutions" (exec_retry_attempt);
