import type { Timestamp } from "./timestamp.js";

/** What the mappers hand to the store: one entry per execution span, plus every span's place in its trace. */

export const SKILL_STATUSES = ["pending", "running", "completed", "failed", "timeout"] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];
export const WORKFLOW_STATUSES = [
  "pending",
  "running",
  "completed",
  "failed",
  "cancelled",
  "paused",
  "timeout",
] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** The statuses, by what they say about an execution (skills use the ones they have). */
export const TERMINAL_STATUSES = ["completed", "failed", "cancelled", "timeout"] as const;
/** Not finished: no completed_at yet. */
export const UNFINISHED_STATUSES = ["pending", "running", "paused"] as const;
/** Still going by itself: the timeout sweeper may end it. */
export const ACTIVE_STATUSES = ["pending", "running"] as const;
/** Started and not finished: what counts as stuck when it lasts. */
export const STARTED_UNFINISHED_STATUSES = ["running", "paused"] as const;
/** Went wrong: alerted, and named by the workflow's error step. */
export const ERROR_STATUSES = ["failed", "timeout"] as const;

export function isOneOf<T extends string>(statuses: readonly T[], status: string): status is T {
  return (statuses as readonly string[]).includes(status);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What a span is to execlens: an execution (workflow, step, skill), an AI tool call (`tool`: a
 * skill execution), an agent, AI SDK call or chain (`ai_call`: a workflow unless nested in one), a
 * model request (`llm`), a client call of its workflow: a db or http call (counted into
 * performance), a retrieval (retriever, reranker), a guardrail or an evaluation (listed in the
 * workflow's metadata); or nothing of these (`other`).
 */
export type SpanRole =
  | "workflow"
  | "step"
  | "skill"
  | "tool"
  | "ai_call"
  | "llm"
  | "db"
  | "http"
  | "retrieval"
  | "guardrail"
  | "evaluation"
  | "other";

/** The roles kept as a "ClientCalls" row of their workflow (and nearest skill). */
export const CLIENT_CALL_ROLES = ["db", "http", "retrieval", "guardrail", "evaluation"] as const;
export type ClientCallKind = (typeof CLIENT_CALL_ROLES)[number];
export const isClientCallRole = (role: SpanRole): role is ClientCallKind =>
  (CLIENT_CALL_ROLES as readonly SpanRole[]).includes(role);

/**
 * AI activity: when no declared workflow and no AI span above encloses one of these, the topmost
 * of its chain becomes the workflow execution (a lone chat call is a workflow of one request).
 */
export const AI_ROLES: ReadonlySet<SpanRole> = new Set(["tool", "ai_call", "llm"]);

/** A span's place in its trace; the store attaches executions to their workflow through these. */
export interface SpanNode {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  /** The parent is in another process (a caller's traceparent); undefined when the sender does not say. */
  readonly parentIsRemote: boolean | undefined;
  readonly role: SpanRole;
  /** The execution row this span is (workflow, step or skill id). */
  readonly execId: string | null;
  /** The workflow execution a step belongs to (its parent span's). */
  readonly wkexId: string | null;
  /** A step's order, which the skills under it take as their step number. */
  readonly stepOrder: number | null;
  /**
   * The organisation (UUID) the request's ingest key pinned the span to; null when none did. Spans
   * attach only below spans of the same tenant: another tenant's span is not their ancestor.
   */
  readonly tenant: string | null;
}

/** Ids shared by skills and workflows; UUID columns hold UUIDv5 of non-UUID source ids. */
export interface ExecutionContext {
  readonly companionId: string | null;
  readonly userId: string | null;
  readonly organizationId: string | null;
  readonly sessionId: string | null;
  readonly conversationId: string | null;
}

/** What a step span says about its workflow, used until the workflow's own span arrives. */
export interface WorkflowContext extends Partial<ExecutionContext> {
  readonly executionId?: string;
  readonly workflowId?: string;
  readonly name?: string;
  readonly totalSteps?: number;
  /** workflow.config.* as the step saw it (the timeout sweeper reads it). */
  readonly executionConfig?: JsonObject;
}

export interface WorkflowAttributes {
  initial_input: JsonValue;
  final_output: JsonValue;
  intermediate_results: JsonObject;
  ai_sdk_messages: JsonValue[];
  ai_sdk_steps: JsonValue[];
  ai_sdk_callbacks: JsonObject;
  execution_config: JsonObject;
  metadata: JsonObject;
}

export interface WorkflowChange extends ExecutionContext {
  readonly wkexId: string;
  readonly executionId: string;
  readonly workflowId: string | null;
  readonly workflowName: string;
  readonly status: WorkflowStatus;
  readonly totalSteps: number | null;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp | null;
  readonly durationMs: number;
  readonly errorMessage: string | null;
  readonly debugMode: boolean;
  readonly logLevel: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: WorkflowAttributes;
}

export interface StepAttributes {
  input: JsonValue;
  output: JsonValue;
  metadata: JsonObject & { workflow?: JsonObject };
}

export interface StepChange {
  readonly wstpId: string;
  readonly wkexId: string;
  readonly stepId: string | null;
  readonly stepOrder: number | null;
  readonly status: WorkflowStatus;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  readonly durationMs: number;
  readonly errorMessage: string | null;
  readonly attributes: StepAttributes;
}

export interface SkillAttributes {
  input_data: JsonValue;
  output_data: JsonValue;
  metadata: JsonObject;
}

export interface SkillChange extends ExecutionContext {
  readonly execId: string;
  readonly skillId: string | null;
  readonly skillName: string;
  readonly status: SkillStatus;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  readonly durationMs: number;
  readonly stepNumber: number | null;
  readonly errorMessage: string | null;
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: SkillAttributes;
}

/** One model request (a leaf LLM span): its share of the workflow's tokens, cost, steps and conversation. */
export interface LlmCallChange {
  readonly llmId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly operation: string;
  readonly provider: string | null;
  readonly model: string | null;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  readonly durationMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  /** Null when the model has no price and none was reported (tokens are still counted). */
  readonly costUsd: number | null;
  /** `reported` by the instrumentation, or `computed` from the price table; null without a cost. */
  readonly costSource: "reported" | "computed" | null;
  readonly finishReason: string | null;
  readonly errorMessage: string | null;
  /** The ai_sdk_steps entry, without its stepId (given by order once all steps are known). */
  readonly step: JsonObject;
  /** The conversation after this request, in AI SDK message form; null when not recorded. */
  readonly messages: JsonValue[] | null;
}

/**
 * A db query or HTTP client call (counted, with its time, into its workflow's and nearest skill's
 * performance), or a retrieval, guardrail or evaluation (listed in its workflow's metadata).
 */
export interface ClientCallChange {
  readonly traceId: string;
  readonly spanId: string;
  readonly kind: ClientCallKind;
  readonly startedAt: Timestamp | null;
  /** With startedAt, the call's exact time (durationMs is rounded): what a skill's dbQueryTime and apiCallTime sum. */
  readonly completedAt: Timestamp | null;
  readonly durationMs: number | null;
  /** The `cache.hit` attribute: the call was answered from a cache (counted in the workflow's cacheHits). */
  readonly cacheHit: boolean | null;
  /** What a retrieval, guardrail or evaluation did (`{type, name, query, documents, output}`); null for db and http. */
  readonly detail: JsonObject | null;
}

/**
 * A span through which a request or a job entered the app (SERVER or CONSUMER kind): the
 * executions it encloses take their client address, user agent and source from it.
 */
export interface EntrySpanChange {
  readonly traceId: string;
  readonly spanId: string;
  /** The route or job: `http.request.method http.route`, else the span's name. */
  readonly name: string;
  readonly startedAt: Timestamp;
  readonly completedAt: Timestamp;
  readonly clientAddress: string | null;
  readonly userAgent: string | null;
}

export interface MappingRejection {
  readonly reason: string;
}

export interface ExecutionChanges {
  readonly nodes: SpanNode[];
  readonly workflows: WorkflowChange[];
  /**
   * The workflow execution each AI span (agent or AI SDK call, model request, tool call) would be
   * if nothing encloses it: the store keeps the topmost of each chain. Left out for a span with a
   * workflow, a step or an AI span above it in the same request: it can never be a top.
   */
  readonly candidates: WorkflowChange[];
  readonly llmCalls: LlmCallChange[];
  readonly clientCalls: ClientCallChange[];
  readonly entrySpans: EntrySpanChange[];
  readonly steps: StepChange[];
  readonly skills: SkillChange[];
  readonly rejected: MappingRejection[];
}
