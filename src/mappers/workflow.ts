import { isOneOf, UNFINISHED_STATUSES, type WorkflowChange, workflowExecutionId } from "../model/index.js";
import { commonMetadata, executionContext, finishMetadata, uuidOf, VARCHAR_ID } from "./context.js";
import type { SpanFacts } from "./conventions/index.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { spanError, workflowStatus } from "./status.js";
import type { Timing } from "./timing.js";

/**
 * A span with workflow.id, workflow.name or workflow.execution.id: one "WorkflowExecutions" row.
 * An AI call of any family (agent, chain, AI SDK call) reads the same way, named by its function id,
 * agent or workflow name.
 */
export function mapWorkflow(reader: SpanReader, facts: SpanFacts, timing: Timing): WorkflowChange {
  const span = reader.span;
  const error = spanError(span);
  const wkexId = workflowExecutionId(span.traceId, span.spanId);
  const metadata = commonMetadata(reader, facts, "workflow");
  const trigger = reader.string("workflow.trigger");
  if (trigger !== null) metadata.trigger = trigger;
  const source = reader.string("workflow.source");
  if (source !== null) metadata.source = source;
  const analytics = reader.objectFromPrefix("workflow.analytics");
  if (Object.keys(analytics).length > 0) metadata.analytics = analytics;
  if (error !== null) metadata.error = errorMetadata(error);
  const operation = facts.operation();
  if (operation !== null) {
    metadata.ai = {
      operation,
      functionId: facts.string("workflow_name"),
      provider: facts.string("provider"),
      model: facts.string("request_model") ?? facts.string("response_model"),
      finishReason: facts.string("finish_reason"),
    };
  }
  const status = workflowStatus(reader, error);
  const context = executionContext(reader, facts);
  return {
    wkexId,
    executionId: reader.boundedString("workflow_execution_id", VARCHAR_ID, "workflow.execution.id") ?? wkexId,
    workflowId: uuidOf(reader, "workflow_id", reader.string("workflow.id") ?? facts.string("workflow_id")),
    workflowName: reader.string("workflow.name") ?? facts.string("workflow_name") ?? span.name,
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
      initial_input: reader.payload("workflow.input") ?? facts.value("initial_input") ?? null,
      final_output: reader.payload("workflow.output") ?? facts.value("final_output") ?? null,
      intermediate_results: {},
      ai_sdk_messages: [],
      ai_sdk_steps: [],
      ai_sdk_callbacks: {},
      execution_config: {
        ...facts.object("execution_config"),
        ...reader.objectFromPrefix("workflow.config"),
      },
      metadata: finishMetadata(reader, metadata),
    },
  };
}
