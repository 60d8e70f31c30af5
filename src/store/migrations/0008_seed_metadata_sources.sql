CREATE TABLE "EntrySpans" (
	"trace_id" varchar(32) NOT NULL,
	"span_id" varchar(16) NOT NULL,
	"name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"client_address" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entryspans_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
ALTER TABLE "ClientCalls" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ClientCalls" ADD COLUMN "cache_hit" boolean;--> statement-breakpoint
ALTER TABLE "LlmCalls" ADD COLUMN "exec_id" uuid;--> statement-breakpoint
CREATE INDEX "idx_entryspans_created" ON "EntrySpans" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_llmcalls_skill" ON "LlmCalls" USING btree ("exec_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_trace" ON "WorkflowExecutions" USING btree ("wkex_trace_id");