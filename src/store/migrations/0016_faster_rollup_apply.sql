-- Rollup cells change in place: with room left on their pages, an update of a cell (the columns no
-- index holds) is a heap-only tuple, no new index entries (new pages only; existing ones as they
-- are rewritten).
ALTER TABLE "SkillRollups" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "WorkflowRollups" SET (fillfactor = 70);--> statement-breakpoint
-- The same numbers, now inlined where called: an IMMUTABLE SQL function is inlined only when its
-- body is, and `text || integer` (anytextcat) is only STABLE; integer::text is immutable.
CREATE OR REPLACE FUNCTION execlens_histogram_of_bucket(bucket smallint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('1e' || (10 * bucket)::text)::numeric
$$;
--> statement-breakpoint
-- A commit's changes into the cells of every width in one statement per kind: the notes are summed
-- once per hour and key (histograms packed there), then each width's cells take their hours' sums.
-- The order is the cells' unique index's, as before: concurrent commits lock shared cells in one order.
CREATE OR REPLACE FUNCTION execlens_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := txid_current();
  -- cells whose executions the change brought to 0, deleted after (a statement cannot delete
  -- the rows it has just updated)
  empty_cells tid[];
BEGIN
  IF current_setting('execlens.rollups_pending', true) IS DISTINCT FROM 'on' THEN RETURN NULL; END IF;
  PERFORM set_config('execlens.rollups_pending', 'off', true);
  WITH up AS (
    INSERT INTO "SkillRollups" AS r (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
      executions, duration_sum, duration_histogram, performance_count, own_time_sum, db_time_sum, db_time_count,
      api_time_sum, api_time_count)
    SELECT date_bin(make_interval(hours => w.n), h.hour, '1970-01-01T00:00:00Z'), w.n, h.id, h.name, h.organization_id,
      h.companion_id, h.status, sum(h.executions), sum(h.duration_sum), sum(h.histogram), sum(h.performance_count),
      sum(h.own_time_sum), sum(h.db_time_sum), sum(h.db_time_count), sum(h.api_time_sum), sum(h.api_time_count)
    FROM (
      SELECT ch.hour, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, sum(ch.executions) AS executions,
        sum(ch.duration_sum) AS duration_sum, coalesce(sum(ch.executions * execlens_histogram_of_bucket(ch.bucket)), 0) AS histogram,
        sum(ch.performance_count) AS performance_count, sum(ch.own_time_sum) AS own_time_sum, sum(ch.db_time_sum) AS db_time_sum,
        sum(ch.db_time_count) AS db_time_count, sum(ch.api_time_sum) AS api_time_sum, sum(ch.api_time_count) AS api_time_count
      FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'skill'
      GROUP BY 1, 2, 3, 4, 5, 6) h
    CROSS JOIN unnest(execlens_rollup_widths()) AS w(n)
    GROUP BY 2, 4, 1, 3, 5, 6, 7
    ORDER BY 2, 4, 1, 3, 5, 6, 7
    ON CONFLICT ON CONSTRAINT skillrollups_cell DO UPDATE SET
        executions = r.executions + excluded.executions,
        duration_sum = r.duration_sum + excluded.duration_sum,
        duration_histogram = r.duration_histogram + excluded.duration_histogram,
        performance_count = r.performance_count + excluded.performance_count,
        own_time_sum = r.own_time_sum + excluded.own_time_sum,
        db_time_sum = r.db_time_sum + excluded.db_time_sum,
        db_time_count = r.db_time_count + excluded.db_time_count,
        api_time_sum = r.api_time_sum + excluded.api_time_sum,
        api_time_count = r.api_time_count + excluded.api_time_count
    RETURNING r.ctid AS at, r.executions)
  SELECT array_agg(up.at) FILTER (WHERE up.executions = 0) INTO empty_cells FROM up;
  IF empty_cells IS NOT NULL THEN DELETE FROM "SkillRollups" WHERE ctid = ANY(empty_cells); END IF;
  WITH up AS (
    INSERT INTO "WorkflowRollups" AS r (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id,
      status, executions, duration_sum, duration_histogram, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT date_bin(make_interval(hours => w.n), h.hour, '1970-01-01T00:00:00Z'), w.n, h.id, h.name, h.organization_id,
      h.companion_id, h.status, sum(h.executions), sum(h.duration_sum), sum(h.histogram), sum(h.total_tokens),
      sum(h.cost_usd), sum(h.avg_step_sum), sum(h.avg_step_count)
    FROM (
      SELECT ch.hour, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, sum(ch.executions) AS executions,
        sum(ch.duration_sum) AS duration_sum, coalesce(sum(ch.executions * execlens_histogram_of_bucket(ch.bucket)), 0) AS histogram,
        sum(ch.total_tokens) AS total_tokens, sum(ch.cost_usd) AS cost_usd, sum(ch.avg_step_sum) AS avg_step_sum,
        sum(ch.avg_step_count) AS avg_step_count
      FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'workflow'
      GROUP BY 1, 2, 3, 4, 5, 6) h
    CROSS JOIN unnest(execlens_rollup_widths()) AS w(n)
    GROUP BY 2, 4, 1, 3, 5, 6, 7
    ORDER BY 2, 4, 1, 3, 5, 6, 7
    ON CONFLICT ON CONSTRAINT workflowrollups_cell DO UPDATE SET
        executions = r.executions + excluded.executions,
        duration_sum = r.duration_sum + excluded.duration_sum,
        duration_histogram = r.duration_histogram + excluded.duration_histogram,
        total_tokens = r.total_tokens + excluded.total_tokens,
        cost_usd = r.cost_usd + excluded.cost_usd,
        avg_step_sum = r.avg_step_sum + excluded.avg_step_sum,
        avg_step_count = r.avg_step_count + excluded.avg_step_count
    RETURNING r.ctid AS at, r.executions)
  SELECT array_agg(up.at) FILTER (WHERE up.executions = 0) INTO empty_cells FROM up;
  IF empty_cells IS NOT NULL THEN DELETE FROM "WorkflowRollups" WHERE ctid = ANY(empty_cells); END IF;
  DELETE FROM "RollupChanges" WHERE txid = tx;
  RETURN NULL;
END $$;
