export * from "./entry-spans.js";
export * from "./llm-calls.js";
export * from "./rollups.js";
export * from "./skill-executions.js";
export * from "./span-index.js";
export * from "./workflow-executions.js";
export * from "./workflow-step-executions.js";

/** Every table execlens writes, by name (tests and benchmarks empty them). */
export const STORE_TABLES = [
  "SkillExecutions",
  "WorkflowExecutions",
  "WorkflowStepExecutions",
  "SpanIndex",
  "TraceIndex",
  "OpenTraces",
  "LlmCalls",
  "ClientCalls",
  "AiCalls",
  "EntrySpans",
  "SkillRollups",
  "WorkflowRollups",
  "RollupChanges",
] as const;
