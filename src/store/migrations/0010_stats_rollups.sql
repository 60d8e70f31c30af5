CREATE TABLE "RollupChanges" (
	"txid" bigint DEFAULT txid_current() NOT NULL,
	"kind" varchar(10) NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"id" uuid,
	"name" text,
	"organization_id" uuid,
	"companion_id" uuid,
	"status" varchar(20) NOT NULL,
	"bucket" smallint,
	"executions" integer NOT NULL,
	"duration_sum" bigint NOT NULL,
	"total_tokens" bigint NOT NULL,
	"cost_usd" numeric(18, 8) NOT NULL,
	"avg_step_sum" double precision NOT NULL,
	"avg_step_count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "SkillRollups" (
	"bucket_start" timestamp with time zone NOT NULL,
	"bucket_hours" smallint NOT NULL,
	"organization_id" uuid,
	"companion_id" uuid,
	"executions" integer NOT NULL,
	"duration_sum" bigint NOT NULL,
	"duration_buckets" smallint[] NOT NULL,
	"duration_counts" integer[] NOT NULL,
	"skill_id" uuid,
	"skill_name" text NOT NULL,
	"status" varchar(20) NOT NULL,
	CONSTRAINT "skillrollups_cell" UNIQUE NULLS NOT DISTINCT("bucket_hours","skill_name","bucket_start","skill_id","organization_id","companion_id","status")
);
--> statement-breakpoint
CREATE TABLE "WorkflowRollups" (
	"bucket_start" timestamp with time zone NOT NULL,
	"bucket_hours" smallint NOT NULL,
	"organization_id" uuid,
	"companion_id" uuid,
	"executions" integer NOT NULL,
	"duration_sum" bigint NOT NULL,
	"duration_buckets" smallint[] NOT NULL,
	"duration_counts" integer[] NOT NULL,
	"workflow_id" uuid,
	"workflow_name" text,
	"status" varchar(20) NOT NULL,
	"total_tokens" bigint NOT NULL,
	"cost_usd" numeric(18, 8) NOT NULL,
	"avg_step_sum" double precision NOT NULL,
	"avg_step_count" integer NOT NULL,
	CONSTRAINT "workflowrollups_cell" UNIQUE NULLS NOT DISTINCT("bucket_hours","workflow_name","bucket_start","workflow_id","organization_id","companion_id","status")
);
--> statement-breakpoint
CREATE INDEX "idx_rollupchanges_txid" ON "RollupChanges" USING btree ("txid");--> statement-breakpoint
CREATE INDEX "idx_skillrollups_time" ON "SkillRollups" USING btree ("bucket_hours","bucket_start");--> statement-breakpoint
CREATE INDEX "idx_workflowrollups_time" ON "WorkflowRollups" USING btree ("bucket_hours","bucket_start");
--> statement-breakpoint
-- The duration histogram's bucket of a duration in ms: 0 for 0 (and below), then 8 buckets per
-- doubling, bucket b >= 1 holding [2^((b-1)/8), 2^(b/8)). The epsilon keeps exact powers of two
-- in the bucket they open, whatever the last bit of ln().
CREATE FUNCTION execlens_duration_bucket(ms integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN ms <= 0 THEN 0 ELSE 1 + floor(ln(ms) * 8 / ln(2) + 1e-9) END)::smallint
$$;
--> statement-breakpoint
-- Two sparse histograms added bucket by bucket; buckets whose count nets to 0 go.
CREATE FUNCTION execlens_histogram_add(b1 smallint[], c1 integer[], b2 smallint[], c2 integer[],
  OUT buckets smallint[], OUT counts integer[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(h.b ORDER BY h.b), '{}'), coalesce(array_agg(h.n ORDER BY h.b), '{}')
  FROM (SELECT x.b, sum(x.n)::int AS n
        FROM (SELECT * FROM unnest(b1, c1) UNION ALL SELECT * FROM unnest(b2, c2)) AS x(b, n)
        GROUP BY x.b HAVING sum(x.n) <> 0) h
$$;
--> statement-breakpoint
-- What a statement changed in the cells, from the rows it wrote: +1 per new row, -1 per old row,
-- per (hour, key, status, duration bucket); what nets to nothing is not kept.
CREATE FUNCTION execlens_rollups_note_skills() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', n.exec_started_at, '1970-01-01T00:00:00Z'), n.skill_id, n.exec_skill_name, n.organization_id, n.companion_id, n.exec_status, execlens_duration_bucket(n.exec_duration_ms), 1, (coalesce(n.exec_duration_ms, 0)::bigint), 0::bigint, 0::numeric, 0::float8, 0 FROM new_rows n
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', o.exec_started_at, '1970-01-01T00:00:00Z'), o.skill_id, o.exec_skill_name, o.organization_id, o.companion_id, o.exec_status, execlens_duration_bucket(o.exec_duration_ms), -1, -(coalesce(o.exec_duration_ms, 0)::bigint), 0::bigint, 0::numeric, 0::float8, 0 FROM old_rows o
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  ELSE
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'skill', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', n.exec_started_at, '1970-01-01T00:00:00Z'), n.skill_id, n.exec_skill_name, n.organization_id, n.companion_id, n.exec_status, execlens_duration_bucket(n.exec_duration_ms), 1, (coalesce(n.exec_duration_ms, 0)::bigint), 0::bigint, 0::numeric, 0::float8, 0 FROM new_rows n
      UNION ALL
      SELECT date_bin('1 hour', o.exec_started_at, '1970-01-01T00:00:00Z'), o.skill_id, o.exec_skill_name, o.organization_id, o.companion_id, o.exec_status, execlens_duration_bucket(o.exec_duration_ms), -1, -(coalesce(o.exec_duration_ms, 0)::bigint), 0::bigint, 0::numeric, 0::float8, 0 FROM old_rows o
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  END IF;
  IF FOUND THEN PERFORM set_config('execlens.rollups_pending', 'on', true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION execlens_rollups_note_workflows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'workflow', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', n.wkex_started_at, '1970-01-01T00:00:00Z'), n.wkfl_id, n.wkex_workflow_name, n.organization_id, n.companion_id, n.wkex_status, execlens_duration_bucket(n.wkex_total_duration_ms), 1, (coalesce(n.wkex_total_duration_ms, 0)::bigint),
        (coalesce(n.wkex_total_tokens, 0)::bigint),
        (coalesce(n.wkex_cost_usd, 0)::numeric),
        (coalesce(n.wkex_avg_step_duration_ms::float8, 0)), ((CASE WHEN n.wkex_avg_step_duration_ms IS NULL THEN 0 ELSE 1 END)) FROM new_rows n
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'workflow', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', o.wkex_started_at, '1970-01-01T00:00:00Z'), o.wkfl_id, o.wkex_workflow_name, o.organization_id, o.companion_id, o.wkex_status, execlens_duration_bucket(o.wkex_total_duration_ms), -1, -(coalesce(o.wkex_total_duration_ms, 0)::bigint),
        -(coalesce(o.wkex_total_tokens, 0)::bigint),
        -(coalesce(o.wkex_cost_usd, 0)::numeric),
        -(coalesce(o.wkex_avg_step_duration_ms::float8, 0)), -((CASE WHEN o.wkex_avg_step_duration_ms IS NULL THEN 0 ELSE 1 END)) FROM old_rows o
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  ELSE
    INSERT INTO "RollupChanges" (kind, hour, id, name, organization_id, companion_id, status, bucket, executions,
      duration_sum, total_tokens, cost_usd, avg_step_sum, avg_step_count)
    SELECT 'workflow', c.hour, c.id, c.name, c.organization_id, c.companion_id, c.status, c.bucket, sum(c.executions),
      sum(c.duration_sum), sum(c.total_tokens), sum(c.cost_usd), sum(c.avg_step_sum), sum(c.avg_step_count)
    FROM (
      SELECT date_bin('1 hour', n.wkex_started_at, '1970-01-01T00:00:00Z'), n.wkfl_id, n.wkex_workflow_name, n.organization_id, n.companion_id, n.wkex_status, execlens_duration_bucket(n.wkex_total_duration_ms), 1, (coalesce(n.wkex_total_duration_ms, 0)::bigint),
        (coalesce(n.wkex_total_tokens, 0)::bigint),
        (coalesce(n.wkex_cost_usd, 0)::numeric),
        (coalesce(n.wkex_avg_step_duration_ms::float8, 0)), ((CASE WHEN n.wkex_avg_step_duration_ms IS NULL THEN 0 ELSE 1 END)) FROM new_rows n
      UNION ALL
      SELECT date_bin('1 hour', o.wkex_started_at, '1970-01-01T00:00:00Z'), o.wkfl_id, o.wkex_workflow_name, o.organization_id, o.companion_id, o.wkex_status, execlens_duration_bucket(o.wkex_total_duration_ms), -1, -(coalesce(o.wkex_total_duration_ms, 0)::bigint),
        -(coalesce(o.wkex_total_tokens, 0)::bigint),
        -(coalesce(o.wkex_cost_usd, 0)::numeric),
        -(coalesce(o.wkex_avg_step_duration_ms::float8, 0)), -((CASE WHEN o.wkex_avg_step_duration_ms IS NULL THEN 0 ELSE 1 END)) FROM old_rows o
    ) AS c(hour, id, name, organization_id, companion_id, status, bucket, executions, duration_sum, total_tokens,
      cost_usd, avg_step_sum, avg_step_count)
    GROUP BY 2, 3, 4, 5, 6, 7, 8
    HAVING sum(c.executions) <> 0 OR sum(c.duration_sum) <> 0 OR sum(c.total_tokens) <> 0 OR sum(c.cost_usd) <> 0
      OR sum(c.avg_step_sum) <> 0 OR sum(c.avg_step_count) <> 0;
  END IF;
  IF FOUND THEN PERFORM set_config('execlens.rollups_pending', 'on', true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- At commit (a deferred trigger on "RollupChanges"): the net change of the transaction's rows is
-- added to their hour and day cells, in the same transaction, and cells left with no execution go.
-- The first event does the work. Adding is exact and commutes, so concurrent transactions and
-- replicas need no other coordination than the cells' row locks, taken in one order.
CREATE FUNCTION execlens_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := txid_current();
  -- cells whose executions the change brought to 0, deleted after (a statement cannot delete
  -- the rows it has just updated)
  empty_skills tid[] := '{}';
  empty_workflows tid[] := '{}';
BEGIN
  IF current_setting('execlens.rollups_pending', true) IS DISTINCT FROM 'on' THEN RETURN NULL; END IF;
  PERFORM set_config('execlens.rollups_pending', 'off', true);
  WITH up AS (
  INSERT INTO "SkillRollups" AS r (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
    executions, duration_sum, duration_buckets, duration_counts)
  SELECT x.start, 1, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
    coalesce(array_agg(x.bucket ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'),
    coalesce(array_agg(x.executions ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}')
  FROM (
    SELECT ch.hour AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
      sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum
    FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'skill'
    GROUP BY 1, 2, 3, 4, 5, 6, 7) x
  GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
  -- the order of the cells' unique index: concurrent commits lock shared cells in one order
  ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
  ON CONFLICT ON CONSTRAINT skillrollups_cell DO UPDATE SET
      executions = r.executions + excluded.executions,
      duration_sum = r.duration_sum + excluded.duration_sum,
      (duration_buckets, duration_counts) = (SELECT h.buckets, h.counts
        FROM execlens_histogram_add(r.duration_buckets, r.duration_counts, excluded.duration_buckets, excluded.duration_counts) h)
  RETURNING r.ctid AS at, r.executions)
  SELECT empty_skills || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_skills FROM up;
  WITH up AS (
  INSERT INTO "SkillRollups" AS r (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
    executions, duration_sum, duration_buckets, duration_counts)
  SELECT x.start, 24, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
    coalesce(array_agg(x.bucket ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'),
    coalesce(array_agg(x.executions ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}')
  FROM (
    SELECT date_bin('1 day', ch.hour, '1970-01-01T00:00:00Z') AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
      sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum
    FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'skill'
    GROUP BY 1, 2, 3, 4, 5, 6, 7) x
  GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
  -- the order of the cells' unique index: concurrent commits lock shared cells in one order
  ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
  ON CONFLICT ON CONSTRAINT skillrollups_cell DO UPDATE SET
      executions = r.executions + excluded.executions,
      duration_sum = r.duration_sum + excluded.duration_sum,
      (duration_buckets, duration_counts) = (SELECT h.buckets, h.counts
        FROM execlens_histogram_add(r.duration_buckets, r.duration_counts, excluded.duration_buckets, excluded.duration_counts) h)
  RETURNING r.ctid AS at, r.executions)
  SELECT empty_skills || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_skills FROM up;
  DELETE FROM "SkillRollups" WHERE ctid = ANY(empty_skills);
  WITH up AS (
  INSERT INTO "WorkflowRollups" AS r (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id, status,
    executions, duration_sum, duration_buckets, duration_counts, total_tokens, cost_usd, avg_step_sum, avg_step_count)
  SELECT x.start, 1, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
    coalesce(array_agg(x.bucket ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'),
    coalesce(array_agg(x.executions ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'), sum(x.total_tokens), sum(x.cost_usd), sum(x.avg_step_sum), sum(x.avg_step_count)
  FROM (
    SELECT ch.hour AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
      sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum, sum(ch.total_tokens) AS total_tokens, sum(ch.cost_usd) AS cost_usd, sum(ch.avg_step_sum) AS avg_step_sum, sum(ch.avg_step_count) AS avg_step_count
    FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'workflow'
    GROUP BY 1, 2, 3, 4, 5, 6, 7) x
  GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
  -- the order of the cells' unique index: concurrent commits lock shared cells in one order
  ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
  ON CONFLICT ON CONSTRAINT workflowrollups_cell DO UPDATE SET
      executions = r.executions + excluded.executions,
      duration_sum = r.duration_sum + excluded.duration_sum,
      (duration_buckets, duration_counts) = (SELECT h.buckets, h.counts
        FROM execlens_histogram_add(r.duration_buckets, r.duration_counts, excluded.duration_buckets, excluded.duration_counts) h),
      total_tokens = r.total_tokens + excluded.total_tokens,
      cost_usd = r.cost_usd + excluded.cost_usd,
      avg_step_sum = r.avg_step_sum + excluded.avg_step_sum,
      avg_step_count = r.avg_step_count + excluded.avg_step_count
  RETURNING r.ctid AS at, r.executions)
  SELECT empty_workflows || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_workflows FROM up;
  WITH up AS (
  INSERT INTO "WorkflowRollups" AS r (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id, status,
    executions, duration_sum, duration_buckets, duration_counts, total_tokens, cost_usd, avg_step_sum, avg_step_count)
  SELECT x.start, 24, x.id, x.name, x.organization_id, x.companion_id, x.status, sum(x.executions), sum(x.duration_sum),
    coalesce(array_agg(x.bucket ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'),
    coalesce(array_agg(x.executions ORDER BY x.bucket) FILTER (WHERE x.bucket IS NOT NULL AND x.executions <> 0), '{}'), sum(x.total_tokens), sum(x.cost_usd), sum(x.avg_step_sum), sum(x.avg_step_count)
  FROM (
    SELECT date_bin('1 day', ch.hour, '1970-01-01T00:00:00Z') AS start, ch.id, ch.name, ch.organization_id, ch.companion_id, ch.status, ch.bucket,
      sum(ch.executions)::int AS executions, sum(ch.duration_sum) AS duration_sum, sum(ch.total_tokens) AS total_tokens, sum(ch.cost_usd) AS cost_usd, sum(ch.avg_step_sum) AS avg_step_sum, sum(ch.avg_step_count) AS avg_step_count
    FROM "RollupChanges" ch WHERE ch.txid = tx AND ch.kind = 'workflow'
    GROUP BY 1, 2, 3, 4, 5, 6, 7) x
  GROUP BY x.start, x.id, x.name, x.organization_id, x.companion_id, x.status
  -- the order of the cells' unique index: concurrent commits lock shared cells in one order
  ORDER BY x.name, x.start, x.id, x.organization_id, x.companion_id, x.status
  ON CONFLICT ON CONSTRAINT workflowrollups_cell DO UPDATE SET
      executions = r.executions + excluded.executions,
      duration_sum = r.duration_sum + excluded.duration_sum,
      (duration_buckets, duration_counts) = (SELECT h.buckets, h.counts
        FROM execlens_histogram_add(r.duration_buckets, r.duration_counts, excluded.duration_buckets, excluded.duration_counts) h),
      total_tokens = r.total_tokens + excluded.total_tokens,
      cost_usd = r.cost_usd + excluded.cost_usd,
      avg_step_sum = r.avg_step_sum + excluded.avg_step_sum,
      avg_step_count = r.avg_step_count + excluded.avg_step_count
  RETURNING r.ctid AS at, r.executions)
  SELECT empty_workflows || coalesce(array_agg(up.at) FILTER (WHERE up.executions = 0), '{}') INTO empty_workflows FROM up;
  DELETE FROM "WorkflowRollups" WHERE ctid = ANY(empty_workflows);
  DELETE FROM "RollupChanges" WHERE txid = tx;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Recomputes the rollup cells of width `width` (1 hour or 1 day, `hours_n` hours) that start at
-- starts[i] for names[i], from the rows: their cells are deleted and written again.
CREATE FUNCTION execlens_rollups_recompute_skills(starts timestamptz[], names text[], width interval, hours_n smallint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "SkillRollups" r USING unnest(starts, names) AS d(start, name)
  WHERE r.bucket_hours = hours_n AND r.skill_name = d.name AND r.bucket_start = d.start;
  INSERT INTO "SkillRollups" (bucket_start, bucket_hours, skill_id, skill_name, organization_id, companion_id, status,
    executions, duration_sum, duration_buckets, duration_counts)
  SELECT b.start, hours_n, b.skill_id, b.skill_name, b.organization_id, b.companion_id, b.status,
    sum(b.n)::int, coalesce(sum(b.ms), 0)::bigint,
    coalesce(array_agg(b.bucket ORDER BY b.bucket) FILTER (WHERE b.bucket IS NOT NULL), '{}'),
    coalesce(array_agg(b.n ORDER BY b.bucket) FILTER (WHERE b.bucket IS NOT NULL), '{}')
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
CREATE FUNCTION execlens_rollups_recompute_workflows(starts timestamptz[], names text[], width interval, hours_n smallint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "WorkflowRollups" r USING unnest(starts, names) AS d(start, name)
  WHERE r.bucket_hours = hours_n AND r.bucket_start = d.start
    AND (r.workflow_name = d.name OR (r.workflow_name IS NULL AND d.name IS NULL));
  INSERT INTO "WorkflowRollups" (bucket_start, bucket_hours, workflow_id, workflow_name, organization_id, companion_id,
    status, executions, duration_sum, duration_buckets, duration_counts, total_tokens, cost_usd, avg_step_sum, avg_step_count)
  SELECT b.start, hours_n, b.workflow_id, b.workflow_name, b.organization_id, b.companion_id, b.status,
    sum(b.n)::int, coalesce(sum(b.ms), 0)::bigint,
    coalesce(array_agg(b.bucket ORDER BY b.bucket) FILTER (WHERE b.bucket IS NOT NULL), '{}'),
    coalesce(array_agg(b.n ORDER BY b.bucket) FILTER (WHERE b.bucket IS NOT NULL), '{}'),
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
-- Recomputes the hour cells of (kinds[i], hours[i], names[i]) and the UTC day cells holding them
-- (a day is recomputed from its rows too, not from its hours: one way to a cell).
CREATE FUNCTION execlens_rollups_recompute(kinds text[], hours timestamptz[], names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k text;
  starts timestamptz[];
  cell_names text[];
BEGIN
  FOREACH k IN ARRAY ARRAY['skill', 'workflow'] LOOP
    SELECT array_agg(u.hour), array_agg(u.name) INTO starts, cell_names
    FROM unnest(kinds, hours, names) AS u(kind, hour, name) WHERE u.kind = k;
    CONTINUE WHEN starts IS NULL;
    IF k = 'skill' THEN
      PERFORM execlens_rollups_recompute_skills(starts, cell_names, interval '1 hour', 1::smallint);
    ELSE
      PERFORM execlens_rollups_recompute_workflows(starts, cell_names, interval '1 hour', 1::smallint);
    END IF;
    SELECT array_agg(d.day), array_agg(d.name) INTO starts, cell_names FROM (
      SELECT DISTINCT date_bin('1 day', u.start, '1970-01-01T00:00:00Z') AS day, u.name
      FROM unnest(starts, cell_names) AS u(start, name)) d;
    IF k = 'skill' THEN
      PERFORM execlens_rollups_recompute_skills(starts, cell_names, interval '1 day', 24::smallint);
    ELSE
      PERFORM execlens_rollups_recompute_workflows(starts, cell_names, interval '1 day', 24::smallint);
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
-- Every rollup cell again from the rows (the migration, and `execlens rollups rebuild`). The tables
-- are locked first (readers go on): a transaction committing meanwhile adds its change after this
-- one, to the rebuilt cells, which the statements below read without it.
CREATE FUNCTION execlens_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  kinds text[];
  hours timestamptz[];
  names text[];
BEGIN
  LOCK TABLE "SkillRollups", "WorkflowRollups" IN EXCLUSIVE MODE;
  DELETE FROM "SkillRollups";
  DELETE FROM "WorkflowRollups";
  SELECT array_agg(c.kind), array_agg(c.hour), array_agg(c.name) INTO kinds, hours, names FROM (
    SELECT DISTINCT 'skill' AS kind, date_bin('1 hour', exec_started_at, '1970-01-01T00:00:00Z') AS hour, exec_skill_name AS name
    FROM "SkillExecutions"
    UNION
    SELECT DISTINCT 'workflow', date_bin('1 hour', wkex_started_at, '1970-01-01T00:00:00Z'), wkex_workflow_name
    FROM "WorkflowExecutions") c;
  IF kinds IS NOT NULL THEN PERFORM execlens_rollups_recompute(kinds, hours, names); END IF;
END $$;
--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_rollups_insert" AFTER INSERT ON "SkillExecutions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_skills();
--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_rollups_update" AFTER UPDATE ON "SkillExecutions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_skills();
--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_rollups_delete" AFTER DELETE ON "SkillExecutions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_skills();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_insert" AFTER INSERT ON "WorkflowExecutions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_workflows();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_update" AFTER UPDATE ON "WorkflowExecutions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_workflows();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_delete" AFTER DELETE ON "WorkflowExecutions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_note_workflows();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "RollupChanges_apply" AFTER INSERT ON "RollupChanges"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION execlens_rollups_apply();
--> statement-breakpoint
SELECT execlens_rollups_rebuild();
