import {
  isOneOf,
  type JsonObject,
  UNFINISHED_STATUSES,
  type WorkflowChange,
  workflowExecutionId,
} from "../model/index.js";
import {
  commonMetadata,
  executionContext,
  finishMetadata,
  idKeys,
  uuidColumn,
  VARCHAR_ID,
} from "./context.js";
import { aiSdkOperation, genAiOperation } from "./conventions.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { spanError, workflowStatus } from "./status.js";
import type { Timing } from "./timing.js";

/**
 * A span with workflow.id, workflow.name or workflow.execution.id: one "WorkflowExecutions" row.
 * An AI SDK call or GenAI agent invocation reads the same way, named by its functionId / agent name.
 */
export function mapWorkflow(reader: SpanReader, timing: Timing): WorkflowChange {
  const span = reader.span;
  const error = spanError(span);
  const wkexId = workflowExecutionId(span.traceId, span.spanId);
  const metadata = commonMetadata(reader, "workflow");
  const trigger = reader.string("workflow.trigger");
  if (trigger !== null) metadata.trigger = trigger;
  if (error !== null) metadata.error = errorMetadata(error);
  const operation = aiSdkOperation(span) ?? genAiOperation(span);
  if (operation !== undefined) {
    metadata.ai = {
      operation,
      functionId: reader.string("ai.telemetry.functionId", "gen_ai.agent.name"),
      provider: reader.string("ai.model.provider", "gen_ai.provider.name", "gen_ai.system"),
      model: reader.string("ai.model.id", "gen_ai.request.model"),
      finishReason: reader.string("ai.response.finishReason"),
    };
  }
  const status = workflowStatus(reader, error);
  const context = executionContext(reader);
  return {
    wkexId,
    executionId: reader.boundedString("workflow_execution_id", VARCHAR_ID, "workflow.execution.id") ?? wkexId,
    workflowId: uuidColumn(reader, "workflow_id", ...idKeys(["workflow.id"], "workflowId")),
    workflowName:
      reader.string(
        "workflow.name",
        "ai.telemetry.functionId",
        "gen_ai.agent.name",
        "gen_ai.workflow.name",
      ) ?? span.name,
    ...context,
    status,
    totalSteps: reader.integer("workflow.total_steps"),
    startedAt: timing.startedAt,
    completedAt: isOneOf(UNFINISHED_STATUSES, status) ? null : timing.completedAt,
    durationMs: timing.durationMs,
    errorMessage: error?.message ?? null,
    debugMode: reader.boolean("workflow.debug_mode") ?? false,
    logLevel: reader.boundedString("log_level", 20, "workflow.log_level") ?? "info",
    traceId: span.traceId,
    spanId: span.spanId,
    attributes: {
      initial_input:
        reader.payload("workflow.input", "ai.prompt", "ai.values", "ai.value", "gen_ai.input.messages") ??
        null,
      final_output:
        reader.payload(
          "workflow.output",
          "ai.response.object",
          "ai.response.text",
          "gen_ai.output.messages",
        ) ?? null,
      intermediate_results: {},
      ai_sdk_messages: [],
      ai_sdk_steps: [],
      ai_sdk_callbacks: {},
      execution_config: {
        ...aiSettings(reader),
        ...reader.objectFromPrefix("workflow.config"),
      },
      metadata: finishMetadata(reader, metadata),
    },
  };
}

/** The AI SDK call's settings (maxSteps, maxRetries, temperature…), without its runtime context (ids). */
function aiSettings(reader: SpanReader): JsonObject {
  const { context: _ids, ...settings } = reader.objectFromPrefix("ai.settings");
  return settings;
}
