export * from "./changes.js";
export { roleOf } from "./conventions.js";
export { type MappingOptions, mapSpans } from "./map-spans.js";
export { type MappingRule, targetProblem } from "./mapping-rules.js";
export { mergeChanges } from "./merge-changes.js";
export { type ExecutionOutcome, outcomesOf } from "./outcomes.js";
export { DEFAULT_PRICES, type ModelPrice, PRICES_READ_ON } from "./prices.js";
export { isUuid, sourceIdToUuid, workflowExecutionId } from "./uuid.js";
