CREATE TABLE "AiCalls" (
	"trace_id" varchar(32) NOT NULL,
	"span_id" varchar(16) NOT NULL,
	"change" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "aicalls_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
CREATE TABLE "LlmCalls" (
	"trace_id" varchar(32) NOT NULL,
	"span_id" varchar(16) NOT NULL,
	"wkex_id" uuid,
	"leaf" boolean DEFAULT true NOT NULL,
	"operation" varchar(100) NOT NULL,
	"provider" varchar(100),
	"model" varchar(200),
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cached_input_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"reasoning_tokens" integer DEFAULT 0 NOT NULL,
	"total_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision,
	"finish_reason" varchar(50),
	"error_message" text,
	"step" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"messages" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llmcalls_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
CREATE INDEX "idx_aicalls_created" ON "AiCalls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_llmcalls_workflow_execution" ON "LlmCalls" USING btree ("wkex_id","started_at");--> statement-breakpoint
CREATE INDEX "idx_llmcalls_created" ON "LlmCalls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_spanlinks_performance" ON "SpanLinks" USING btree ("wkex_id","role") WHERE "SpanLinks"."role" IN ('db', 'http');--> statement-breakpoint
CREATE INDEX "idx_spanlinks_skill_performance" ON "SpanLinks" USING btree ("exec_id","role") WHERE "SpanLinks"."role" IN ('db', 'http');