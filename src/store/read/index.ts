export * from "./executions.js";
export { CursorError, type PageRequest, type SortKey, type SortOrder } from "./keyset.js";
export { ALL, type Scope } from "./scope.js";
export * from "./stats.js";
