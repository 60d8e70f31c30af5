import type { SkillChange } from "../model/index.js";
import { spanExecutionId } from "../model/index.js";
import { commonMetadata, executionContext, finishMetadata, uuidOf } from "./context.js";
import type { SpanFacts } from "./conventions/index.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { finishedStatus, spanError } from "./status.js";
import type { Timing } from "./timing.js";

/** A span with skill.id or skill.name, or an AI tool call of any family: one "SkillExecutions" row. */
export function mapSkill(reader: SpanReader, facts: SpanFacts, timing: Timing): SkillChange {
  const span = reader.span;
  const error = spanError(span);
  const metadata = commonMetadata(reader, facts, "skill");
  if (error !== null) metadata.error = errorMetadata(error);
  const toolCallId = facts.string("tool_call_id");
  if (toolCallId !== null) metadata.toolCallId = toolCallId;
  const context = executionContext(reader, facts);
  return {
    execId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    skillId: uuidOf(reader, "skill_id", reader.string("skill.id") ?? facts.string("skill_id")),
    skillName: reader.string("skill.name") ?? facts.string("tool_name") ?? span.name,
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
      input_data: reader.payload("skill.input") ?? facts.value("tool_input") ?? null,
      output_data: reader.payload("skill.output") ?? facts.value("tool_output") ?? null,
      metadata: finishMetadata(reader, metadata),
    },
  };
}
