CREATE TABLE "SkillExecutions" (
	"exec_id" uuid PRIMARY KEY NOT NULL,
	"skill_id" uuid,
	"companion_id" uuid,
	"user_id" uuid,
	"organization_id" uuid,
	"wkex_id" uuid,
	"exec_skill_name" text NOT NULL,
	"exec_status" varchar(20) DEFAULT 'pending' NOT NULL,
	"exec_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exec_completed_at" timestamp with time zone,
	"exec_duration_ms" integer,
	"exec_session_id" varchar(100),
	"exec_conversation_id" varchar(100),
	"exec_step_number" integer,
	"exec_error_message" text,
	"exec_attributes" jsonb DEFAULT '{"input_data": {}, "output_data": {}, "metadata": {}}'::jsonb NOT NULL,
	"exec_trace_id" varchar(32),
	"exec_span_id" varchar(16),
	"exec_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skillexecutions_status_check" CHECK ("SkillExecutions"."exec_status" IN ('pending', 'running', 'completed', 'failed', 'timeout'))
);
--> statement-breakpoint
CREATE TABLE "SpanLinks" (
	"trace_id" varchar(32) NOT NULL,
	"span_id" varchar(16) NOT NULL,
	"parent_span_id" varchar(16),
	"role" varchar(10) NOT NULL,
	"exec_id" uuid,
	"wkex_id" uuid,
	"resolved" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spanlinks_pkey" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
CREATE TABLE "WorkflowExecutions" (
	"wkex_id" uuid PRIMARY KEY NOT NULL,
	"wkex_execution_id" varchar(100) NOT NULL,
	"wkfl_id" uuid,
	"wkex_workflow_name" text,
	"companion_id" uuid,
	"user_id" uuid,
	"organization_id" uuid,
	"wkex_session_id" varchar(100),
	"wkex_conversation_id" varchar(100),
	"wkex_status" varchar(20) DEFAULT 'pending' NOT NULL,
	"wkex_current_step_id" varchar(100),
	"wkex_current_step_order" integer DEFAULT 0,
	"wkex_total_steps" integer DEFAULT 0,
	"wkex_completed_steps" integer DEFAULT 0,
	"wkex_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"wkex_completed_at" timestamp with time zone,
	"wkex_total_duration_ms" integer,
	"wkex_avg_step_duration_ms" real,
	"wkex_error_message" text,
	"wkex_error_step" varchar(100),
	"wkex_debug_mode" boolean DEFAULT false NOT NULL,
	"wkex_log_level" varchar(20) DEFAULT 'info' NOT NULL,
	"wkex_total_tokens" bigint,
	"wkex_cost_usd" numeric(18, 8),
	"wkex_attributes" jsonb DEFAULT '{"initial_input": {}, "final_output": {}, "intermediate_results": {}, "ai_sdk_messages": [], "ai_sdk_steps": [], "ai_sdk_callbacks": {}, "execution_config": {}, "metadata": {}}'::jsonb NOT NULL,
	"wkex_trace_id" varchar(32),
	"wkex_span_id" varchar(16),
	"wkex_span_received" boolean DEFAULT false NOT NULL,
	"wkex_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"wkex_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflowexecutions_status_check" CHECK ("WorkflowExecutions"."wkex_status" IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'paused', 'timeout'))
);
--> statement-breakpoint
CREATE TABLE "WorkflowStepExecutions" (
	"wstp_id" uuid PRIMARY KEY NOT NULL,
	"wkex_id" uuid NOT NULL,
	"wstp_step_id" varchar(100),
	"wstp_step_order" integer,
	"wstp_status" varchar(20) DEFAULT 'pending' NOT NULL,
	"wstp_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"wstp_completed_at" timestamp with time zone,
	"wstp_duration_ms" integer,
	"wstp_error_message" text,
	"wstp_attributes" jsonb DEFAULT '{"input": {}, "output": {}, "metadata": {}}'::jsonb NOT NULL,
	"wstp_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflowstepexecutions_status_check" CHECK ("WorkflowStepExecutions"."wstp_status" IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'paused', 'timeout'))
);
--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_skill" ON "SkillExecutions" USING btree ("skill_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_companion" ON "SkillExecutions" USING btree ("companion_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_user" ON "SkillExecutions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_status" ON "SkillExecutions" USING btree ("exec_status");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_session" ON "SkillExecutions" USING btree ("exec_session_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_created" ON "SkillExecutions" USING btree ("exec_created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_status_created" ON "SkillExecutions" USING btree ("exec_status","exec_created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_duration" ON "SkillExecutions" USING btree ("exec_duration_ms" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_workflow_execution" ON "SkillExecutions" USING btree ("wkex_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_org" ON "SkillExecutions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "idx_skillexecutions_started" ON "SkillExecutions" USING btree ("exec_started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "idx_workflowexecutions_execution_id" ON "WorkflowExecutions" USING btree ("wkex_execution_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_workflow" ON "WorkflowExecutions" USING btree ("wkfl_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_companion" ON "WorkflowExecutions" USING btree ("companion_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_user" ON "WorkflowExecutions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_org" ON "WorkflowExecutions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_status" ON "WorkflowExecutions" USING btree ("wkex_status");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_session" ON "WorkflowExecutions" USING btree ("wkex_session_id");--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_started" ON "WorkflowExecutions" USING btree ("wkex_started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_status_started" ON "WorkflowExecutions" USING btree ("wkex_status","wkex_started_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_current_step" ON "WorkflowExecutions" USING btree ("wkex_current_step_order") WHERE "WorkflowExecutions"."wkex_status" IN ('running', 'paused');--> statement-breakpoint
CREATE INDEX "idx_workflowexecutions_failed" ON "WorkflowExecutions" USING btree ("wkex_error_step","wkex_error_message") WHERE "WorkflowExecutions"."wkex_status" = 'failed';--> statement-breakpoint
CREATE INDEX "idx_workflowstepexecutions_workflow_execution" ON "WorkflowStepExecutions" USING btree ("wkex_id","wstp_step_order");