-- A trace's first batch (usually the whole trace) indexed as one row of parallel arrays rather
-- than one "SpanIndex" row per span (src/store/schema/span-index.ts). Rows up to 8 kB (a few dozen
-- spans) stay inline and uncompressed; no query compares the arrays, so they keep no statistics.
CREATE TABLE "TraceIndex" (
	"trace_id" "bytea" PRIMARY KEY NOT NULL,
	"span_ids" "bytea"[] NOT NULL,
	"roles" smallint[] NOT NULL,
	"exec_ids" uuid[] NOT NULL,
	"step_wkex_ids" uuid[] NOT NULL,
	"step_orders" integer[] NOT NULL,
	"owner_wkex_ids" uuid[] NOT NULL,
	"owner_wstp_ids" uuid[] NOT NULL,
	"owner_step_orders" integer[] NOT NULL,
	"top_ais" "bytea"[] NOT NULL,
	"near_skills" uuid[] NOT NULL,
	"near_llms" "bytea"[] NOT NULL,
	"waiting_fors" "bytea"[] NOT NULL,
	"settled" boolean[] NOT NULL,
	"tenants" uuid[] NOT NULL,
	"created_on" date DEFAULT CURRENT_DATE NOT NULL
);
--> statement-breakpoint
CREATE INDEX "idx_traceindex_created" ON "TraceIndex" USING brin ("created_on");--> statement-breakpoint
ALTER TABLE "TraceIndex" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "TraceIndex" ALTER COLUMN span_ids SET STATISTICS 0, ALTER COLUMN roles SET STATISTICS 0,
  ALTER COLUMN exec_ids SET STATISTICS 0, ALTER COLUMN step_wkex_ids SET STATISTICS 0,
  ALTER COLUMN step_orders SET STATISTICS 0, ALTER COLUMN owner_wkex_ids SET STATISTICS 0,
  ALTER COLUMN owner_wstp_ids SET STATISTICS 0, ALTER COLUMN owner_step_orders SET STATISTICS 0,
  ALTER COLUMN top_ais SET STATISTICS 0, ALTER COLUMN near_skills SET STATISTICS 0,
  ALTER COLUMN near_llms SET STATISTICS 0, ALTER COLUMN waiting_fors SET STATISTICS 0,
  ALTER COLUMN settled SET STATISTICS 0, ALTER COLUMN tenants SET STATISTICS 0;
