export { type SettleResult, settleQuietTraces } from "./attach/settle.js";
export { type Database, type DatabaseHandle, type DatabaseTarget, openDatabase } from "./database.js";
export { type GroupCommitOptions, GroupCommitWriter } from "./group-commit.js";
export { mergeChanges } from "./merge-changes.js";
export { type Notifications, WORKFLOW_CHANGED_CHANNEL } from "./notifications.js";
export * from "./read/index.js";
export {
  deleteExpired,
  type RetentionBatch,
  type RetentionOptions,
  type RetentionResult,
  walBudget,
} from "./retention.js";
export { type RollupCells, rebuildRollups } from "./rollups.js";
export * from "./schema/index.js";
export { analyzeGrownTables, autovacuumRuns, REANALYZE_AFTER_MS } from "./statistics.js";
export { sweepTimeouts, type TimedOutWorkflow } from "./timeout-sweeper.js";
export { type WriteResult, type WriteSummary, writeChanges } from "./writer.js";
