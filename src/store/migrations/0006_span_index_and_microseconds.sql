CREATE TABLE "ClientCalls" (
	"trace_id" varchar(32) NOT NULL,
	"span_id" varchar(16) NOT NULL,
	"kind" varchar(4) NOT NULL,
	"wkex_id" uuid,
	"exec_id" uuid,
	"started_at" timestamp with time zone,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clientcalls_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
CREATE TABLE "OpenTraces" (
	"trace_id" "bytea" PRIMARY KEY NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "SpanIndex" (
	"trace_id" "bytea" NOT NULL,
	"span_id" "bytea" NOT NULL,
	"role" smallint NOT NULL,
	"exec_id" uuid,
	"step_wkex_id" uuid,
	"step_order" integer,
	"owner_wkex_id" uuid,
	"owner_wstp_id" uuid,
	"owner_step_order" integer,
	"top_ai" "bytea",
	"near_skill" uuid,
	"near_llm" "bytea",
	"waiting_for" "bytea",
	"settled" boolean DEFAULT false NOT NULL,
	"created_on" date DEFAULT CURRENT_DATE NOT NULL,
	CONSTRAINT "spanindex_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
-- db and http spans keep counting into their workflow and skill (their time was not recorded then)
INSERT INTO "ClientCalls" (trace_id, span_id, kind, wkex_id, exec_id, created_at)
SELECT trace_id, span_id, role, wkex_id, exec_id, created_at FROM "SpanLinks" WHERE role IN ('db', 'http');--> statement-breakpoint
-- "SpanIndex" replaces the span links: traces still arriving at the upgrade settle at their topmost known span
DROP TABLE "SpanLinks" CASCADE;--> statement-breakpoint
ALTER TABLE "SkillExecutions" ALTER COLUMN "exec_attributes" SET DEFAULT '{"input_data": null, "output_data": null, "metadata": {}}'::jsonb;--> statement-breakpoint
ALTER TABLE "WorkflowExecutions" ALTER COLUMN "wkex_attributes" SET DEFAULT '{"initial_input": null, "final_output": null, "intermediate_results": {}, "ai_sdk_messages": [], "ai_sdk_steps": [], "ai_sdk_callbacks": {}, "execution_config": {}, "metadata": {}}'::jsonb;--> statement-breakpoint
ALTER TABLE "WorkflowStepExecutions" ALTER COLUMN "wstp_attributes" SET DEFAULT '{"input": null, "output": null, "metadata": {}}'::jsonb;--> statement-breakpoint
ALTER TABLE "LlmCalls" ADD COLUMN "llm_id" uuid;--> statement-breakpoint
-- existing requests get an id of their own (new ones get a time-ordered one from their span)
UPDATE "LlmCalls" SET "llm_id" = gen_random_uuid();--> statement-breakpoint
ALTER TABLE "LlmCalls" ALTER COLUMN "llm_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_clientcalls_workflow_execution" ON "ClientCalls" USING btree ("wkex_id");--> statement-breakpoint
CREATE INDEX "idx_clientcalls_skill" ON "ClientCalls" USING btree ("exec_id");--> statement-breakpoint
CREATE INDEX "idx_clientcalls_created" ON "ClientCalls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_opentraces_quiet" ON "OpenTraces" USING btree ("last_seen_at") WHERE NOT "OpenTraces"."settled";--> statement-breakpoint
CREATE INDEX "idx_spanindex_waiting" ON "SpanIndex" USING btree ("trace_id","waiting_for") WHERE "SpanIndex"."waiting_for" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_spanindex_created" ON "SpanIndex" USING brin ("created_on");--> statement-breakpoint
CREATE UNIQUE INDEX "idx_llmcalls_llm_id" ON "LlmCalls" USING btree ("llm_id");--> statement-breakpoint
CREATE INDEX "idx_llmcalls_started" ON "LlmCalls" USING btree ("started_at" DESC NULLS FIRST,"llm_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_llmcalls_model_started" ON "LlmCalls" USING btree ("model","started_at" DESC NULLS FIRST);