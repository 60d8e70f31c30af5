export * from "./changes.js";
export { mapSpans, roleOf } from "./map-spans.js";
export { mergeChanges } from "./merge-changes.js";
export { type ExecutionOutcome, outcomesOf } from "./outcomes.js";
export { isUuid, sourceIdToUuid, workflowExecutionId } from "./uuid.js";
