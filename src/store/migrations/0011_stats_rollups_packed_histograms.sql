-- The duration histogram of a rollup cell as one number (see schema/rollups.ts): the count of
-- bucket b in its decimal digits 10b to 10b+9 (from the right). Adding two histograms is adding
-- the numbers, which sum() does natively: stats merge thousands of cells per key without
-- unnesting a bucket. Exact while a bucket of a key holds fewer than 10^10 durations.
CREATE FUNCTION execlens_histogram_of_bucket(bucket smallint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('1e' || (10 * bucket))::numeric
$$;
--> statement-breakpoint
-- The widths of the rollup cells in hours, each dividing the next, all aligned to the Unix epoch:
-- hours, quarter days, UTC days and 7-day weeks (CELL_HOURS in read/stats-segments.ts). Stats read
-- a window as the widest whole cells it holds, the finer ones around them, the rows at the edges.
CREATE FUNCTION execlens_rollup_widths() RETURNS smallint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT '{1,6,24,168}'::smallint[] $$;
--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "duration_histogram" numeric;--> statement-breakpoint
ALTER TABLE "WorkflowRollups" ADD COLUMN "duration_histogram" numeric;--> statement-breakpoint
-- the cells kept so far, converted in place (the same histograms, so no rebuild)
UPDATE "SkillRollups" SET duration_histogram = (SELECT coalesce(sum(u.n * execlens_histogram_of_bucket(u.b)), 0)
  FROM unnest(duration_buckets, duration_counts) AS u(b, n));--> statement-breakpoint
UPDATE "WorkflowRollups" SET duration_histogram = (SELECT coalesce(sum(u.n * execlens_histogram_of_bucket(u.b)), 0)
  FROM unnest(duration_buckets, duration_counts) AS u(b, n));--> statement-breakpoint
ALTER TABLE "SkillRollups" ALTER COLUMN "duration_histogram" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "WorkflowRollups" ALTER COLUMN "duration_histogram" SET NOT NULL;--> statement-breakpoint
CREATE OR REPLACE FUNCTION execlens_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := txid_current();
  hours_n smallint;
  -- cells whose executions the change brought to 0, deleted after (a statement cannot delete
  -- the rows it has just updated)
  empty_skills tid[] := '{}';
  empty_workflows tid[] := '{}';
BEGIN
  IF current_setting('execlens.rollups_pending', true) IS DISTINCT FROM 'on' THEN RETURN NULL; END IF;
  PERFORM set_config('execlens.rollups_pending', 'off', true);
  -- each width of cell takes the change of the hours it holds
  FOREACH hours_n IN ARRAY execlens_rollup_widths() LOOP
    WITH up AS (
    INSERT INTO "SkillRollups" AS r (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
      executions, duration_sum, duration_histogram)
    SELECT x.start, hours_n, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
      coalesce(sum(x.executions * execlens_histogram_of_bucket(x.bucket)), 0)
    FROM (
      SELECT date_bin(make_interval(hours => hours_n), ch.hour, '1970-01-01T00:00:00Z') AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
        sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum
      FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'skill'
      GROUP BY 1, 2, 3, 4, 5, 6, 7) x
    GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
    -- the order of the cells' unique index: concurrent commits lock shared cells in one order
    ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
    ON CONFLICT ON CONSTRAINT skillrollups_cell DO UPDATE SET
        executions = r.executions + excluded.executions,
        duration_sum = r.duration_sum + excluded.duration_sum,
        duration_histogram = r.duration_histogram + excluded.duration_histogram
    RETURNING r.ctid AS at, r.executions)
    SELECT empty_skills || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_skills FROM up;
  END LOOP;
  DELETE FROM "SkillRollups" WHERE ctid = ANY(empty_skills);
  FOREACH hours_n IN ARRAY execlens_rollup_widths() LOOP
    WITH up AS (
    INSERT INTO "WorkflowRollups" AS r (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id, status,
      executions, duration_sum, duration_histogram, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT x.start, hours_n, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
      coalesce(sum(x.executions * execlens_histogram_of_bucket(x.bucket)), 0), sum(x.total_tokens), sum(x.cost_usd), sum(x.avg_step_sum), sum(x.avg_step_count)
    FROM (
      SELECT date_bin(make_interval(hours => hours_n), ch.hour, '1970-01-01T00:00:00Z') AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
        sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum, sum(ch.total_tokens) AS total_tokens, sum(ch.cost_usd) AS cost_usd, sum(ch.avg_step_sum) AS avg_step_sum, sum(ch.avg_step_count) AS avg_step_count
      FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'workflow'
      GROUP BY 1, 2, 3, 4, 5, 6, 7) x
    GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
    -- the order of the cells' unique index: concurrent commits lock shared cells in one order
    ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
    ON CONFLICT ON CONSTRAINT workflowrollups_cell DO UPDATE SET
        executions = r.executions + excluded.executions,
        duration_sum = r.duration_sum + excluded.duration_sum,
        duration_histogram = r.duration_histogram + excluded.duration_histogram,
        total_tokens = r.total_tokens + excluded.total_tokens,
        cost_usd = r.cost_usd + excluded.cost_usd,
        avg_step_sum = r.avg_step_sum + excluded.avg_step_sum,
        avg_step_count = r.avg_step_count + excluded.avg_step_count
    RETURNING r.ctid AS at, r.executions)
    SELECT empty_workflows || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_workflows FROM up;
  END LOOP;
  DELETE FROM "WorkflowRollups" WHERE ctid = ANY(empty_workflows);
  DELETE FROM "RollupChanges" WHERE txid = tx;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION execlens_rollups_recompute_skills(starts timestamptz[], names text[], width interval, hours_n smallint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "SkillRollups" r USING unnest(starts, names) AS d(start, name)
  WHERE r.bucket_hours = hours_n AND r.skill_name = d.name AND r.bucket_start = d.start;
  INSERT INTO "SkillRollups" (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
    executions, duration_sum, duration_histogram)
  SELECT b.start, hours_n, b.skill_id, b.skill_name, b.organization_id, b.companion_id, b.status,
    sum(b.n)::int, coalesce(sum(b.ms), 0)::bigint,
    coalesce(sum(b.n * execlens_histogram_of_bucket(b.bucket)), 0)
  FROM (
    SELECT d.start, s.skill_id, s.exec_skill_name AS skill_name, s.organization_id, s.companion_id, s.exec_status AS status,
      execlens_duration_bucket(s.exec_duration_ms) AS bucket, count(*)::int AS n, sum(s.exec_duration_ms) AS ms
    FROM (SELECT DISTINCT u.start, u.name FROM unnest(starts, names) AS u(start, name)) d
    JOIN "SkillExecutions" s
      ON s.exec_skill_name = d.name AND s.exec_started_at >= d.start AND s.exec_started_at < d.start + width
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  ) b
  GROUP BY b.start, b.skill_id, b.skill_name, b.organization_id, b.companion_id, b.status;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION execlens_rollups_recompute_workflows(starts timestamptz[], names text[], width interval, hours_n smallint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "WorkflowRollups" r USING unnest(starts, names) AS d(start, name)
  WHERE r.bucket_hours = hours_n AND r.bucket_start = d.start
    AND (r.workflow_name = d.name OR (r.workflow_name IS NULL AND d.name IS NULL));
  INSERT INTO "WorkflowRollups" (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id,
    status, executions, duration_sum, duration_histogram, total_tokens, cost_usd, avg_step_sum, avg_step_count)
  SELECT b.start, hours_n, b.workflow_id, b.workflow_name, b.organization_id, b.companion_id, b.status,
    sum(b.n)::int, coalesce(sum(b.ms), 0)::bigint,
    coalesce(sum(b.n * execlens_histogram_of_bucket(b.bucket)), 0),
    coalesce(sum(b.tokens), 0)::bigint, coalesce(sum(b.cost), 0), coalesce(sum(b.avg_step), 0), sum(b.avg_steps)::int
  FROM (
    SELECT d.start, w.wkfl_id AS workflow_id, w.wkex_workflow_name AS workflow_name, w.organization_id, w.companion_id,
      w.wkex_status AS status, execlens_duration_bucket(w.wkex_total_duration_ms) AS bucket, count(*)::int AS n,
      sum(w.wkex_total_duration_ms) AS ms, sum(w.wkex_total_tokens) AS tokens, sum(w.wkex_cost_usd) AS cost,
      sum(w.wkex_avg_step_duration_ms::float8) AS avg_step, count(w.wkex_avg_step_duration_ms) AS avg_steps
    FROM (SELECT DISTINCT u.start, u.name FROM unnest(starts, names) AS u(start, name)) d
    CROSS JOIN LATERAL (
      SELECT * FROM "WorkflowExecutions" x
      WHERE x.wkex_workflow_name = d.name AND x.wkex_started_at >= d.start AND x.wkex_started_at < d.start + width
      UNION ALL
      SELECT * FROM "WorkflowExecutions" x
      WHERE d.name IS NULL AND x.wkex_workflow_name IS NULL
        AND x.wkex_started_at >= d.start AND x.wkex_started_at < d.start + width
    ) w
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  ) b
  GROUP BY b.start, b.workflow_id, b.workflow_name, b.organization_id, b.companion_id, b.status;
END $$;
--> statement-breakpoint
ALTER TABLE "SkillRollups" DROP COLUMN "duration_buckets";--> statement-breakpoint
ALTER TABLE "SkillRollups" DROP COLUMN "duration_counts";--> statement-breakpoint
ALTER TABLE "WorkflowRollups" DROP COLUMN "duration_buckets";--> statement-breakpoint
ALTER TABLE "WorkflowRollups" DROP COLUMN "duration_counts";--> statement-breakpoint
DROP FUNCTION execlens_histogram_add(smallint[], integer[], smallint[], integer[]);
--> statement-breakpoint
-- Recomputes, from the rows, the hour cells of (kinds[i], hours[i], names[i]) and the wider cells
-- holding them (each from its rows too, not from its hours: one way to a cell).
CREATE OR REPLACE FUNCTION execlens_rollups_recompute(kinds text[], hours timestamptz[], names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k text;
  w smallint;
  starts timestamptz[];
  cell_names text[];
BEGIN
  FOREACH k IN ARRAY ARRAY['skill', 'workflow'] LOOP
    FOREACH w IN ARRAY execlens_rollup_widths() LOOP
      SELECT array_agg(d.start), array_agg(d.name) INTO starts, cell_names FROM (
        SELECT DISTINCT date_bin(make_interval(hours => w), u.hour, '1970-01-01T00:00:00Z') AS start, u.name
        FROM unnest(kinds, hours, names) AS u(kind, hour, name) WHERE u.kind = k) d;
      CONTINUE WHEN starts IS NULL;
      IF k = 'skill' THEN
        PERFORM execlens_rollups_recompute_skills(starts, cell_names, make_interval(hours => w), w);
      ELSE
        PERFORM execlens_rollups_recompute_workflows(starts, cell_names, make_interval(hours => w), w);
      END IF;
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint
-- the quarter-day and week cells of the rows kept so far, summed from their hour cells
INSERT INTO "SkillRollups" (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
  executions, duration_sum, duration_histogram)
SELECT date_bin(make_interval(hours => w.n), r.bucket_start, '1970-01-01T00:00:00Z'), w.n, r.skill_id, r.skill_name,
  r.organization_id, r.companion_id, r.status, sum(r.executions)::int, sum(r.duration_sum)::bigint, sum(r.duration_histogram)
FROM "SkillRollups" r CROSS JOIN (VALUES (6::smallint), (168::smallint)) AS w(n)
WHERE r.bucket_hours = 1
GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
INSERT INTO "WorkflowRollups" (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id,
  status, executions, duration_sum, duration_histogram, total_tokens, cost_usd, avg_step_sum, avg_step_count)
SELECT date_bin(make_interval(hours => w.n), r.bucket_start, '1970-01-01T00:00:00Z'), w.n, r.workflow_id, r.workflow_name,
  r.organization_id, r.companion_id, r.status, sum(r.executions)::int, sum(r.duration_sum)::bigint, sum(r.duration_histogram),
  sum(r.total_tokens)::bigint, sum(r.cost_usd), sum(r.avg_step_sum), sum(r.avg_step_count)::int
FROM "WorkflowRollups" r CROSS JOIN (VALUES (6::smallint), (168::smallint)) AS w(n)
WHERE r.bucket_hours = 1
GROUP BY 1, 2, 3, 4, 5, 6, 7;
