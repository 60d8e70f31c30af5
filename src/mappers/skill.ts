import type { SkillChange } from "./changes.js";
import { commonMetadata, executionContext, finishMetadata, uuidColumn } from "./context.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { finishedStatus, spanError } from "./status.js";
import type { Timing } from "./timing.js";
import { spanExecutionId } from "./uuid.js";

/** A span with skill.id or skill.name: one "SkillExecutions" row. */
export function mapSkill(reader: SpanReader, timing: Timing): SkillChange {
  const span = reader.span;
  const error = spanError(span);
  const metadata = commonMetadata(reader, "skill");
  if (error !== null) metadata.error = errorMetadata(error);
  const context = executionContext(reader);
  return {
    execId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    skillId: uuidColumn(reader, "skill_id", "skill.id"),
    skillName: reader.string("skill.name") ?? span.name,
    ...context,
    status: finishedStatus(error),
    startedAt: timing.startedAt,
    completedAt: timing.completedAt,
    durationMs: timing.durationMs,
    stepNumber: reader.integer("skill.step_number"),
    errorMessage: error?.message ?? null,
    traceId: span.traceId,
    spanId: span.spanId,
    attributes: {
      input_data: reader.payload("skill.input") ?? {},
      output_data: reader.payload("skill.output") ?? {},
      metadata: finishMetadata(reader, metadata),
    },
  };
}
