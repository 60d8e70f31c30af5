import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import type { ClientCallKind, JsonObject, JsonValue, WorkflowChange } from "../../model/index.js";
import { createdAt, timestamptz } from "./columns.js";

/**
 * One row per model request (a leaf LLM span: AI SDK doGenerate/doStream/doEmbed, GenAI chat…),
 * attached to its workflow execution like a skill. A workflow's tokens, cost, ai_sdk_steps,
 * ai_sdk_messages and ai_sdk_callbacks are recomputed from these rows, so any arrival order
 * and any re-delivery give the same totals.
 */
export const llmCalls = pgTable(
  "LlmCalls",
  {
    traceId: varchar("trace_id", { length: 32 }).notNull(),
    spanId: varchar("span_id", { length: 16 }).notNull(),
    /** The request's id in the API: the UUIDv7 layout from its start, like skills and steps. */
    llmId: uuid("llm_id").notNull(),
    wkexId: uuid("wkex_id"),
    /** The nearest skill execution above the request (a tool that calls a model): its metadata.cost. */
    execId: uuid("exec_id"),
    /** False once another model request is found below it: its tokens are its children's. */
    leaf: boolean("leaf").notNull().default(true),
    operation: varchar("operation", { length: 100 }).notNull(),
    provider: varchar("provider", { length: 100 }),
    model: varchar("model", { length: 200 }),
    startedAt: timestamptz("started_at").notNull(),
    completedAt: timestamptz("completed_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cachedInputTokens: integer("cached_input_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    totalTokens: integer("total_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd"),
    /** `reported` by the instrumentation or `computed` from the price table; null without a cost. */
    costSource: varchar("cost_source", { length: 10 }).$type<"reported" | "computed">(),
    finishReason: varchar("finish_reason", { length: 50 }),
    errorMessage: text("error_message"),
    step: jsonb("step").$type<JsonObject>().notNull().default(sql`'{}'::jsonb`),
    messages: jsonb("messages").$type<JsonValue[]>(),
    createdAt: createdAt("created_at"),
  },
  (t) => [
    primaryKey({ name: "llmcalls_pkey", columns: [t.traceId, t.spanId] }),
    index("idx_llmcalls_workflow_execution").on(t.wkexId, t.startedAt),
    index("idx_llmcalls_skill").on(t.execId),
    index("idx_llmcalls_created").on(t.createdAt),
    uniqueIndex("idx_llmcalls_llm_id").on(t.llmId),
    // keyset pages by start, and the model filter and panel
    index("idx_llmcalls_started").on(t.startedAt.desc().nullsFirst(), t.llmId.desc().nullsFirst()),
    index("idx_llmcalls_model_started").on(t.model, t.startedAt.desc().nullsFirst()),
  ],
);

export type LlmCall = typeof llmCalls.$inferSelect;

/**
 * AI SDK calls and GenAI agent invocations waiting to learn whether they are a workflow
 * execution of their own (nothing above them is) or fold into the workflow that encloses them.
 */
export const aiCalls = pgTable(
  "AiCalls",
  {
    traceId: varchar("trace_id", { length: 32 }).notNull(),
    spanId: varchar("span_id", { length: 16 }).notNull(),
    change: jsonb("change").$type<WorkflowChange>().notNull(),
    createdAt: createdAt("created_at"),
  },
  (t) => [
    primaryKey({ name: "aicalls_pkey", columns: [t.traceId, t.spanId] }),
    index("idx_aicalls_created").on(t.createdAt),
  ],
);

/**
 * db queries and HTTP client calls under an execution: counted, with their time, into the
 * metadata.performance of their workflow execution and of the nearest skill above them; and the
 * retrievals, guardrails and evaluations of AI workflows (with what they did, in `detail`), listed
 * in their workflow's metadata.
 */
export const clientCalls = pgTable(
  "ClientCalls",
  {
    traceId: varchar("trace_id", { length: 32 }).notNull(),
    spanId: varchar("span_id", { length: 16 }).notNull(),
    kind: varchar("kind", { length: 16 }).$type<ClientCallKind>().notNull(),
    wkexId: uuid("wkex_id"),
    /** The nearest skill execution above the call. */
    execId: uuid("exec_id"),
    startedAt: timestamptz("started_at"),
    completedAt: timestamptz("completed_at"),
    durationMs: integer("duration_ms"),
    /** The span's `cache.hit`: answered from a cache. */
    cacheHit: boolean("cache_hit"),
    detail: jsonb("detail").$type<JsonObject>(),
    createdAt: createdAt("created_at"),
  },
  (t) => [
    primaryKey({ name: "clientcalls_pkey", columns: [t.traceId, t.spanId] }),
    index("idx_clientcalls_workflow_execution").on(t.wkexId),
    index("idx_clientcalls_skill").on(t.execId),
    index("idx_clientcalls_created").on(t.createdAt),
  ],
);
