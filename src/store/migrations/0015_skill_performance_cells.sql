ALTER TABLE "RollupChanges" ADD COLUMN "performance_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "RollupChanges" ADD COLUMN "own_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "RollupChanges" ADD COLUMN "db_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "RollupChanges" ADD COLUMN "db_time_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "RollupChanges" ADD COLUMN "api_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "RollupChanges" ADD COLUMN "api_time_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "performance_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "own_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "db_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "db_time_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "api_time_sum" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "SkillRollups" ADD COLUMN "api_time_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Where a skill execution's time went, as its rollup cells add it up (see schema/rollups.ts): from
-- metadata.performance, only numbers (an app may send anything there), dbQueryTime and apiCallTime
-- only beside a numeric transformTime. A set-returning SQL function, so PostgreSQL inlines it.
CREATE FUNCTION execlens_skill_performance(attributes jsonb)
RETURNS TABLE (performance_count integer, own_time_sum numeric, db_time_sum numeric, db_time_count integer,
  api_time_sum numeric, api_time_count integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (t.own IS NOT NULL)::int, coalesce(t.own, 0),
    coalesce(t.db, 0), (t.db IS NOT NULL)::int, coalesce(t.api, 0), (t.api IS NOT NULL)::int
  FROM (
    SELECT
      CASE WHEN jsonb_typeof(p.v -> 'transformTime') = 'number' THEN (p.v -> 'transformTime')::numeric END AS own,
      CASE WHEN jsonb_typeof(p.v -> 'transformTime') = 'number' AND jsonb_typeof(p.v -> 'dbQueryTime') = 'number'
        THEN (p.v -> 'dbQueryTime')::numeric END AS db,
      CASE WHEN jsonb_typeof(p.v -> 'transformTime') = 'number' AND jsonb_typeof(p.v -> 'apiCallTime') = 'number'
        THEN (p.v -> 'apiCallTime')::numeric END AS api
    FROM (SELECT attributes #> '{metadata,performance}' AS v) p
  ) t
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION execlens_rollups_note_skills() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- each row's part of its cell: +1 and its values when new, -1 and their negation when old
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count, performance_count, own_time_sum, db_time_sum,
      db_time_count, api_time_sum, api_time_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), 0, 0, 0, 0, sum(c.performance_count), sum(c.own_time_sum), sum(c.db_time_sum), sum(c.db_time_count),
      sum(c.api_time_sum), sum(c.api_time_count)
    FROM (
      SELECT date_bin('1 hour', n.exec_started_at, '1970-01-01T00:00:00Z'), n.skill_id, n.exec_skill_name, n.organization_id,
        n.companion_id, n.exec_status, execlens_duration_bucket(n.exec_duration_ms), 1, coalesce(n.exec_duration_ms, 0)::bigint,
        p.performance_count, p.own_time_sum, p.db_time_sum, p.db_time_count, p.api_time_sum, p.api_time_count
      FROM new_rows n CROSS JOIN LATERAL execlens_skill_performance(n.exec_attributes) p
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, performance_count,
      own_time_sum, db_time_sum, db_time_count, api_time_sum, api_time_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.performance_count) <> 0 OR sum(c.own_time_sum) <> 0
      OR sum(c.db_time_sum) <> 0 OR sum(c.db_time_count) <> 0 OR sum(c.api_time_sum) <> 0 OR sum(c.api_time_count) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count, performance_count, own_time_sum, db_time_sum,
      db_time_count, api_time_sum, api_time_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), 0, 0, 0, 0, sum(c.performance_count), sum(c.own_time_sum), sum(c.db_time_sum), sum(c.db_time_count),
      sum(c.api_time_sum), sum(c.api_time_count)
    FROM (
      SELECT date_bin('1 hour', o.exec_started_at, '1970-01-01T00:00:00Z'), o.skill_id, o.exec_skill_name, o.organization_id,
        o.companion_id, o.exec_status, execlens_duration_bucket(o.exec_duration_ms), -1, -coalesce(o.exec_duration_ms, 0)::bigint,
        -p.performance_count, -p.own_time_sum, -p.db_time_sum, -p.db_time_count, -p.api_time_sum, -p.api_time_count
      FROM old_rows o CROSS JOIN LATERAL execlens_skill_performance(o.exec_attributes) p
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, performance_count,
      own_time_sum, db_time_sum, db_time_count, api_time_sum, api_time_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.performance_count) <> 0 OR sum(c.own_time_sum) <> 0
      OR sum(c.db_time_sum) <> 0 OR sum(c.db_time_count) <> 0 OR sum(c.api_time_sum) <> 0 OR sum(c.api_time_count) <> 0;
  ELSE
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count, performance_count, own_time_sum, db_time_sum,
      db_time_count, api_time_sum, api_time_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), 0, 0, 0, 0, sum(c.performance_count), sum(c.own_time_sum), sum(c.db_time_sum), sum(c.db_time_count),
      sum(c.api_time_sum), sum(c.api_time_count)
    FROM (
      SELECT date_bin('1 hour', n.exec_started_at, '1970-01-01T00:00:00Z'), n.skill_id, n.exec_skill_name, n.organization_id,
        n.companion_id, n.exec_status, execlens_duration_bucket(n.exec_duration_ms), 1, coalesce(n.exec_duration_ms, 0)::bigint,
        p.performance_count, p.own_time_sum, p.db_time_sum, p.db_time_count, p.api_time_sum, p.api_time_count
      FROM new_rows n CROSS JOIN LATERAL execlens_skill_performance(n.exec_attributes) p
      UNION ALL
      SELECT date_bin('1 hour', o.exec_started_at, '1970-01-01T00:00:00Z'), o.skill_id, o.exec_skill_name, o.organization_id,
        o.companion_id, o.exec_status, execlens_duration_bucket(o.exec_duration_ms), -1, -coalesce(o.exec_duration_ms, 0)::bigint,
        -p.performance_count, -p.own_time_sum, -p.db_time_sum, -p.db_time_count, -p.api_time_sum, -p.api_time_count
      FROM old_rows o CROSS JOIN LATERAL execlens_skill_performance(o.exec_attributes) p
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, performance_count,
      own_time_sum, db_time_sum, db_time_count, api_time_sum, api_time_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.performance_count) <> 0 OR sum(c.own_time_sum) <> 0
      OR sum(c.db_time_sum) <> 0 OR sum(c.db_time_count) <> 0 OR sum(c.api_time_sum) <> 0 OR sum(c.api_time_count) <> 0;
  END IF;
  IF FOUND THEN PERFORM set_config('execlens.rollups_pending', 'on', true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
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
      executions, duration_sum, duration_histogram, performance_count, own_time_sum, db_time_sum, db_time_count,
      api_time_sum, api_time_count)
    SELECT x.start, hours_n, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
      coalesce(sum(x.executions * execlens_histogram_of_bucket(x.bucket)), 0), sum(x.performance_count), sum(x.own_time_sum),
      sum(x.db_time_sum), sum(x.db_time_count), sum(x.api_time_sum), sum(x.api_time_count)
    FROM (
      SELECT date_bin(make_interval(hours => hours_n), ch.hour, '1970-01-01T00:00:00Z') AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
        sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum,
        sum(ch.performance_count)::int AS performance_count, sum(ch.own_time_sum) AS own_time_sum, sum(ch.db_time_sum) AS db_time_sum,
        sum(ch.db_time_count)::int AS db_time_count, sum(ch.api_time_sum) AS api_time_sum, sum(ch.api_time_count)::int AS api_time_count
      FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'skill'
      GROUP BY 1, 2, 3, 4, 5, 6, 7) x
    GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
    -- the order of the cells' unique index: concurrent commits lock shared cells in one order
    ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
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
    executions, duration_sum, duration_histogram, performance_count, own_time_sum, db_time_sum, db_time_count,
    api_time_sum, api_time_count)
  SELECT b.start, hours_n, b.skill_id, b.skill_name, b.organization_id, b.companion_id, b.status,
    sum(b.n)::int, coalesce(sum(b.ms), 0)::bigint,
    coalesce(sum(b.n * execlens_histogram_of_bucket(b.bucket)), 0), sum(b.performance_count)::int, sum(b.own_time_sum),
    sum(b.db_time_sum), sum(b.db_time_count)::int, sum(b.api_time_sum), sum(b.api_time_count)::int
  FROM (
    SELECT d.start, s.skill_id, s.exec_skill_name AS skill_name, s.organization_id, s.companion_id, s.exec_status AS status,
      execlens_duration_bucket(s.exec_duration_ms) AS bucket, count(*)::int AS n, sum(s.exec_duration_ms) AS ms,
      sum(p.performance_count) AS performance_count, sum(p.own_time_sum) AS own_time_sum, sum(p.db_time_sum) AS db_time_sum,
      sum(p.db_time_count) AS db_time_count, sum(p.api_time_sum) AS api_time_sum, sum(p.api_time_count) AS api_time_count
    FROM (SELECT DISTINCT u.start, u.name FROM unnest(starts, names) AS u(start, name)) d
    JOIN "SkillExecutions" s
      ON s.exec_skill_name = d.name AND s.exec_started_at >= d.start AND s.exec_started_at < d.start + width
    CROSS JOIN LATERAL execlens_skill_performance(s.exec_attributes) p
    GROUP BY 1, 2, 3, 4, 5, 6, 7
  ) b
  GROUP BY b.start, b.skill_id, b.skill_name, b.organization_id, b.companion_id, b.status;
END $$;
--> statement-breakpoint
-- the cells kept so far take the performance of their rows, read once for every width
UPDATE "SkillRollups" r SET performance_count = x.performance_count, own_time_sum = x.own_time_sum,
  db_time_sum = x.db_time_sum, db_time_count = x.db_time_count, api_time_sum = x.api_time_sum, api_time_count = x.api_time_count
FROM (
  SELECT date_bin(make_interval(hours => w.n), s.exec_started_at, '1970-01-01T00:00:00Z') AS start, w.n AS hours,
    s.skill_id, s.exec_skill_name AS name, s.organization_id, s.companion_id, s.exec_status AS status,
    sum(p.performance_count)::int AS performance_count, sum(p.own_time_sum) AS own_time_sum, sum(p.db_time_sum) AS db_time_sum,
    sum(p.db_time_count)::int AS db_time_count, sum(p.api_time_sum) AS api_time_sum, sum(p.api_time_count)::int AS api_time_count
  FROM "SkillExecutions" s
  CROSS JOIN LATERAL execlens_skill_performance(s.exec_attributes) p
  CROSS JOIN unnest(execlens_rollup_widths()) AS w(n)
  WHERE p.performance_count > 0
  GROUP BY 1, 2, 3, 4, 5, 6, 7
) x
WHERE r.bucket_hours = x.hours AND r.skill_name = x.name AND r.bucket_start = x.start
  AND r.skill_id IS NOT DISTINCT FROM x.skill_id AND r.organization_id IS NOT DISTINCT FROM x.organization_id
  AND r.companion_id IS NOT DISTINCT FROM x.companion_id AND r.status = x.status;
