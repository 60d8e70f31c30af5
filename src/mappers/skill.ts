import type { JsonObject, SkillChange } from "../model/index.js";
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
  const retry = declaredRetry(reader);
  if (retry !== null) metadata.retry = retry;
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

/**
 * What the app says about the attempt (`skill.retry.attempt_number`, `max_retries`,
 * `previous_errors`): the truth, where the store would otherwise count earlier failed siblings.
 */
function declaredRetry(reader: SpanReader): JsonObject | null {
  const retry: JsonObject = {};
  const attemptNumber = reader.integer("skill.retry.attempt_number");
  const maxRetries = reader.integer("skill.retry.max_retries");
  const previousErrors = reader.payload("skill.retry.previous_errors");
  if (attemptNumber !== null) retry.attemptNumber = attemptNumber;
  if (maxRetries !== null) retry.maxRetries = maxRetries;
  if (previousErrors !== undefined) retry.previousErrors = previousErrors;
  return Object.keys(retry).length > 0 ? retry : null;
}
