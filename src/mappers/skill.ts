import type { SkillChange } from "../model/index.js";
import { spanExecutionId } from "../model/index.js";
import { commonMetadata, executionContext, finishMetadata, idKeys, uuidColumn } from "./context.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { finishedStatus, spanError } from "./status.js";
import type { Timing } from "./timing.js";

/** A span with skill.id or skill.name, an AI SDK tool call or a GenAI execute_tool: one "SkillExecutions" row. */
export function mapSkill(reader: SpanReader, timing: Timing): SkillChange {
  const span = reader.span;
  const error = spanError(span);
  const metadata = commonMetadata(reader, "skill");
  if (error !== null) metadata.error = errorMetadata(error);
  const toolCallId = reader.string("ai.toolCall.id", "gen_ai.tool.call.id");
  if (toolCallId !== null) metadata.toolCallId = toolCallId;
  const context = executionContext(reader);
  return {
    execId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    skillId: uuidColumn(reader, "skill_id", ...idKeys(["skill.id"], "skillId")),
    skillName: reader.string("skill.name", "ai.toolCall.name", "gen_ai.tool.name") ?? span.name,
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
      input_data:
        reader.payload(
          "skill.input",
          "ai.toolCall.args",
          "ai.toolCall.input",
          "gen_ai.tool.call.arguments",
        ) ?? null,
      output_data:
        reader.payload(
          "skill.output",
          "ai.toolCall.result",
          "ai.toolCall.output",
          "gen_ai.tool.call.result",
        ) ?? null,
      metadata: finishMetadata(reader, metadata),
    },
  };
}
