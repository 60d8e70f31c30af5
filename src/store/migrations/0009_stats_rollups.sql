CREATE TABLE "RollupPending" (
	"txid" bigint DEFAULT txid_current() NOT NULL,
	"kind" varchar(10) NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"name" text,
	CONSTRAINT "rolluppending_cell" UNIQUE NULLS NOT DISTINCT("txid","kind","hour","name")
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
CREATE INDEX "idx_skillrollups_time" ON "SkillRollups" USING btree ("bucket_hours","bucket_start");--> statement-breakpoint
CREATE INDEX "idx_workflowrollups_time" ON "WorkflowRollups" USING btree ("bucket_hours","bucket_start");--> statement-breakpoint
-- The duration histogram's bucket of a duration in ms: 0 for 0 (and below), then 8 buckets per
-- doubling, bucket b >= 1 holding [2^((b-1)/8), 2^(b/8)). The epsilon keeps exact powers of two
-- in the bucket they open, whatever the last bit of ln().
CREATE FUNCTION execlens_duration_bucket(ms integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN ms <= 0 THEN 0 ELSE 1 + floor(ln(ms) * 8 / ln(2) + 1e-9) END)::smallint
$$;
--> statement-breakpoint
-- Marks the (hour, name) cells whose rows a statement inserted, deleted or changed in a way the
-- rollups see; the transaction recomputes them when it commits (execlens_rollups_refresh).
CREATE FUNCTION execlens_rollups_mark_skills() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'skill', date_bin('1 hour', n.exec_started_at, '1970-01-01T00:00:00Z'), n.exec_skill_name
    FROM new_rows n
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'skill', date_bin('1 hour', o.exec_started_at, '1970-01-01T00:00:00Z'), o.exec_skill_name
    FROM old_rows o
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'skill', date_bin('1 hour', c.started, '1970-01-01T00:00:00Z'), c.name
    FROM old_rows o JOIN new_rows n ON n.exec_id = o.exec_id
    CROSS JOIN LATERAL (VALUES (o.exec_started_at, o.exec_skill_name), (n.exec_started_at, n.exec_skill_name)) AS c(started, name)
    WHERE (o.skill_id, o.exec_skill_name, o.organization_id, o.companion_id, o.exec_status, o.exec_started_at, o.exec_duration_ms)
      IS DISTINCT FROM (n.skill_id, n.exec_skill_name, n.organization_id, n.companion_id, n.exec_status, n.exec_started_at, n.exec_duration_ms)
    ON CONFLICT DO NOTHING;
  END IF;
  IF FOUND THEN PERFORM set_config('execlens.rollups_pending', 'on', true); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION execlens_rollups_mark_workflows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'workflow', date_bin('1 hour', n.wkex_started_at, '1970-01-01T00:00:00Z'), n.wkex_workflow_name
    FROM new_rows n
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'workflow', date_bin('1 hour', o.wkex_started_at, '1970-01-01T00:00:00Z'), o.wkex_workflow_name
    FROM old_rows o
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO "RollupPending" (kind, hour, name)
    SELECT DISTINCT 'workflow', date_bin('1 hour', c.started, '1970-01-01T00:00:00Z'), c.name
    FROM old_rows o JOIN new_rows n ON n.wkex_id = o.wkex_id
    CROSS JOIN LATERAL (VALUES (o.wkex_started_at, o.wkex_workflow_name), (n.wkex_started_at, n.wkex_workflow_name)) AS c(started, name)
    WHERE (o.wkfl_id, o.wkex_workflow_name, o.organization_id, o.companion_id, o.wkex_status, o.wkex_started_at,
        o.wkex_total_duration_ms, o.wkex_total_tokens, o.wkex_cost_usd, o.wkex_avg_step_duration_ms)
      IS DISTINCT FROM (n.wkfl_id, n.wkex_workflow_name, n.organization_id, n.companion_id, n.wkex_status, n.wkex_started_at,
        n.wkex_total_duration_ms, n.wkex_total_tokens, n.wkex_cost_usd, n.wkex_avg_step_duration_ms)
    ON CONFLICT DO NOTHING;
  END IF;
  IF FOUND THEN PERFORM set_config('execlens.rollups_pending', 'on', true); END IF;
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
-- One transaction at a time recomputes a (kind, UTC day, name): it takes the lock before the
-- statements that read the rows start, so they see what the transaction before it committed
-- (READ COMMITTED). Locks are taken in one sorted pass (no deadlock between refreshes); a change
-- to many days and names at once (a bulk load) takes the one lock that excludes every refresh
-- instead, as the shared table of locks is small. Class 43188318 is execlens' rollups.
CREATE FUNCTION execlens_rollups_lock(kinds text[], hours timestamptz[], names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  keys int[];
BEGIN
  SELECT array_agg(DISTINCT hashtext(u.kind || ':'
      || extract(epoch FROM date_bin('1 day', u.hour, '1970-01-01T00:00:00Z'))::bigint || ':' || coalesce(u.name, '')))
    INTO keys FROM unnest(kinds, hours, names) AS u(kind, hour, name);
  IF cardinality(keys) > 256 THEN
    PERFORM pg_advisory_xact_lock(43188318, 0);
  ELSE
    PERFORM pg_advisory_xact_lock_shared(43188318, 0);
    PERFORM count(pg_advisory_xact_lock(43188319, key)) FROM (SELECT unnest(keys) AS key ORDER BY 1) s;
  END IF;
END $$;
--> statement-breakpoint
-- At commit (a deferred trigger on "RollupPending"): the cells this transaction marked are
-- recomputed from the rows, in the same transaction as the rows. The first event does the work.
CREATE FUNCTION execlens_rollups_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kinds text[];
  hours timestamptz[];
  names text[];
BEGIN
  IF current_setting('execlens.rollups_pending', true) IS DISTINCT FROM 'on' THEN RETURN NULL; END IF;
  PERFORM set_config('execlens.rollups_pending', 'off', true);
  WITH d AS (DELETE FROM "RollupPending" WHERE txid = txid_current() RETURNING kind, hour, name)
  SELECT array_agg(d.kind), array_agg(d.hour), array_agg(d.name) INTO kinds, hours, names FROM d;
  IF kinds IS NULL THEN RETURN NULL; END IF;
  PERFORM execlens_rollups_lock(kinds, hours, names);
  PERFORM execlens_rollups_recompute(kinds, hours, names);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Every rollup cell again from the rows (the migration, and `execlens rollups rebuild`).
CREATE FUNCTION execlens_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  kinds text[];
  hours timestamptz[];
  names text[];
BEGIN
  PERFORM pg_advisory_xact_lock(43188318, 0);
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
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_skills();
--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_rollups_update" AFTER UPDATE ON "SkillExecutions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_skills();
--> statement-breakpoint
CREATE TRIGGER "SkillExecutions_rollups_delete" AFTER DELETE ON "SkillExecutions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_skills();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_insert" AFTER INSERT ON "WorkflowExecutions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_workflows();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_update" AFTER UPDATE ON "WorkflowExecutions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_workflows();
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_rollups_delete" AFTER DELETE ON "WorkflowExecutions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION execlens_rollups_mark_workflows();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "RollupPending_refresh" AFTER INSERT ON "RollupPending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION execlens_rollups_refresh();
--> statement-breakpoint
SELECT execlens_rollups_rebuild();
