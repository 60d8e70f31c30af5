ALTER TABLE "ClientCalls" ALTER COLUMN "kind" SET DATA TYPE varchar(16);--> statement-breakpoint
ALTER TABLE "ClientCalls" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "LlmCalls" ADD COLUMN "cost_source" varchar(10);