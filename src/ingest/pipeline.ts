import type { Logger } from "pino";
import type { TracesConsumer } from "../collector/index.js";
import type { MappingOptions } from "../mappers/index.js";
import { type ExecutionOutcome, isOwnSpan, type LlmCallChange, outcomesOf } from "../model/index.js";
import type { GroupCommitWriter } from "../store/index.js";
import { mapInSlices } from "./map-in-slices.js";

/** Told of the executions each committed batch (or upkeep run) reported: metrics, alerts. */
export type OutcomeObserver = (outcomes: readonly ExecutionOutcome[]) => void;

export interface IngestMetrics {
  recordSpans(received: number, rejected: number): void;
  recordModelRequests(calls: readonly LlmCallChange[]): void;
}

export interface IngestOptions {
  readonly writer: GroupCommitWriter;
  readonly mapping: MappingOptions;
  readonly observers: readonly OutcomeObserver[];
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
}

/**
 * The ingest stage: own spans out → map (in slices) → group commit → outcomes to the observers. Resolves
 * once the rows are committed, so a 200 means durable. A request whose ingest key pins an
 * organisation is mapped under it. execlens' own spans (self-telemetry sent
 * back to it) are counted as received and not stored.
 */
export function createIngest(options: IngestOptions): TracesConsumer {
  const { writer, mapping, observers, metrics, logger } = options;
  return {
    async consume(received, grant) {
      const spans = received.some(isOwnSpan) ? received.filter((span) => !isOwnSpan(span)) : received;
      if (spans.length === 0) {
        metrics.recordSpans(received.length, 0);
        return { rejected: [], rowsWritten: 0 };
      }
      const changes = await mapInSlices(
        spans,
        grant.organizationId === undefined ? mapping : { ...mapping, organizationId: grant.organizationId },
      );
      const { aiWorkflows, ...summary } = await writer.submit(changes);
      metrics.recordSpans(received.length, changes.rejected.length);
      metrics.recordModelRequests(changes.llmCalls);
      logger.debug({ ...summary, rejected: changes.rejected.length }, "batch stored");
      const outcomes = outcomesOf(changes, aiWorkflows);
      for (const observe of observers) observe(outcomes);
      return { rejected: changes.rejected, rowsWritten: summary.workflows + summary.steps + summary.skills };
    },
  };
}
