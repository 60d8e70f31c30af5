import type { Logger } from "pino";
import type { OutcomeObserver } from "../ingest/index.js";
import { type ExecutionOutcome, outcomesOf } from "../model/index.js";
import type { StoreConfig } from "../store/config.js";
import {
  analyzeGrownTables,
  type Database,
  deleteExpired,
  settleQuietTraces,
  sweepTimeouts,
} from "../store/index.js";
import { every } from "./periodic.js";

/** How often retention deletes executions older than EXECLENS_RETENTION_DAYS. */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/**
 * Every this many retention runs one looks at all rows older than the cutoff, not only those from
 * the previous cutoff on: executions kept while unfinished that have finished since, and spans
 * that arrived late with an old start, go then (a day later, when vacuum has cleaned the index).
 */
const RETENTION_FULL_PASS_EVERY = 24;
/**
 * How often the tables that have grown are analyzed. Autovacuum (where it runs) first looks about a
 * minute after start; the writer's prepared plans, made while its tables were empty, would read
 * them whole until then (bench/RESULTS.md, ninth session).
 */
export const ANALYZE_INTERVAL_MS = 2_000;
/** A quiet trace is settled within a sixth of the delay after it is due, at most this late. */
const MAX_SETTLE_CHECK_MS = 5_000;

export interface Upkeep {
  readonly name: "upkeep";
  /** One timeout sweep now (it also runs every EXECLENS_SWEEP_INTERVAL_MS). */
  sweep(): Promise<void>;
  /** Settles the traces quiet for EXECLENS_SETTLE_AFTER_MS now (it also runs every few seconds). */
  settle(): Promise<void>;
  stop(deadline: number): Promise<void>;
}

/**
 * The store's periodic jobs: the timeout sweeper, settling quiet traces, retention, and the tables'
 * statistics as they grow. What the first two find (timed-out workflows,
 * AI workflows of settled traces) goes to the observers.
 */
export function startUpkeep(
  db: Database,
  config: Pick<StoreConfig, "sweepIntervalMs" | "defaultTimeoutMs" | "settleAfterMs" | "retentionDays">,
  observers: readonly OutcomeObserver[],
  logger: Logger,
): Upkeep {
  const analyzedAt = new Map<string, number>();
  const tell = (outcomes: readonly ExecutionOutcome[]) => {
    for (const observe of observers) observe(outcomes);
  };
  const sweep = async () => {
    const timedOut = await sweepTimeouts(db, config.defaultTimeoutMs);
    if (timedOut.length === 0) return;
    logger.info({ count: timedOut.length }, "workflow executions marked timeout");
    tell(
      timedOut.map((w) => ({
        kind: "workflow",
        name: w.workflowName ?? "",
        status: "timeout",
        durationMs: null,
        organizationId: w.organizationId,
        executionId: w.executionId,
        errorMessage: w.errorMessage,
      })),
    );
  };
  const settle = async () => {
    const settled = await settleQuietTraces(db, config.settleAfterMs);
    if (settled.traces === 0) return;
    logger.debug({ traces: settled.traces, aiWorkflows: settled.aiWorkflows.length }, "quiet traces settled");
    tell(outcomesOf({ skills: [], workflows: [] }, settled.aiWorkflows));
  };
  const { retentionDays } = config;
  let retentionRuns = 0;
  let previousCutoff: Date | undefined;
  const jobs = [
    every(config.sweepIntervalMs, sweep, (error) => logger.warn({ err: error }, "timeout sweep failed")),
    every(Math.min(MAX_SETTLE_CHECK_MS, Math.ceil(config.settleAfterMs / 6)), settle, (error) =>
      logger.warn({ err: error }, "settling quiet traces failed"),
    ),
    ...(retentionDays === undefined
      ? []
      : [
          every(
            RETENTION_INTERVAL_MS,
            async () => {
              const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
              const since = retentionRuns % RETENTION_FULL_PASS_EVERY === 0 ? undefined : previousCutoff;
              const deleted = await deleteExpired(db, cutoff, { pauseMs: 50, since });
              previousCutoff = cutoff;
              retentionRuns++;
              logger.info({ ...deleted, cutoff, since }, "retention: old executions deleted");
            },
            (error) => logger.warn({ err: error }, "retention failed"),
          ),
        ]),
    every(
      ANALYZE_INTERVAL_MS,
      async () => {
        const tables = await analyzeGrownTables(db, analyzedAt);
        if (tables.length > 0) logger.debug({ tables }, "grown tables analyzed");
      },
      (error) => logger.warn({ err: error }, "analyzing grown tables failed"),
    ),
  ];
  return {
    name: "upkeep",
    sweep,
    settle,
    async stop() {
      await Promise.all(jobs.map((job) => job.stop()));
    },
  };
}
