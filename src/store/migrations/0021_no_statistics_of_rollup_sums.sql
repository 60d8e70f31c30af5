-- A rollup cell's sums, counts and duration histogram are only ever added up: no query filters,
-- joins or sorts on them, so their column statistics served no plan. Computing them was half of
-- every ANALYZE of "SkillRollups" (execlens's own as the tables grow, and autovacuum's): 176 ->
-- 83 ms on the 2,000-trace database. The cell's key columns keep theirs.
ALTER TABLE "SkillRollups" ALTER COLUMN executions SET STATISTICS 0, ALTER COLUMN duration_sum SET STATISTICS 0,
  ALTER COLUMN duration_histogram SET STATISTICS 0, ALTER COLUMN performance_count SET STATISTICS 0,
  ALTER COLUMN own_time_sum SET STATISTICS 0, ALTER COLUMN db_time_sum SET STATISTICS 0,
  ALTER COLUMN db_time_count SET STATISTICS 0, ALTER COLUMN api_time_sum SET STATISTICS 0,
  ALTER COLUMN api_time_count SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "WorkflowRollups" ALTER COLUMN executions SET STATISTICS 0, ALTER COLUMN duration_sum SET STATISTICS 0,
  ALTER COLUMN duration_histogram SET STATISTICS 0, ALTER COLUMN total_tokens SET STATISTICS 0,
  ALTER COLUMN cost_usd SET STATISTICS 0, ALTER COLUMN avg_step_sum SET STATISTICS 0,
  ALTER COLUMN avg_step_count SET STATISTICS 0;
