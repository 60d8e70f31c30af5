export { PERCENTILE_RELATIVE_ERROR } from "./duration-histogram.js";
export * from "./executions.js";
export { pingDatabase, stuckWorkflowCounts } from "./health.js";
export { type JsonEntry, jsonBuildObject } from "./json.js";
export { CursorError, type PageRequest, type SortKey, type SortOrder } from "./keyset.js";
export * from "./llm-calls.js";
export type { Page } from "./page.js";
export { ALL, type Scope } from "./scope.js";
export * from "./stats.js";
