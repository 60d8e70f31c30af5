import type { JsonObject, StepChange, WorkflowContext } from "../model/index.js";
import { spanExecutionId, workflowExecutionId } from "../model/index.js";
import { commonMetadata, executionContext, finishMetadata, uuidColumn, VARCHAR_ID } from "./context.js";
import type { SpanFacts } from "./conventions/index.js";
import { errorMetadata } from "./error-metadata.js";
import type { SpanReader } from "./span-reader.js";
import { spanError, workflowStatus } from "./status.js";
import type { Timing } from "./timing.js";

/**
 * A span with workflow.step.id or workflow.step.order: one "WorkflowStepExecutions" row of the
 * workflow execution whose span is its parent. The workflow.* attributes it carries describe
 * that workflow until the workflow's own span arrives.
 */
export function mapStep(
  reader: SpanReader,
  facts: SpanFacts,
  timing: Timing,
  parentSpanId: string,
): StepChange {
  const span = reader.span;
  const error = spanError(span);
  const metadata = commonMetadata(reader, facts, "workflow.step");
  const name = reader.string("workflow.step.name");
  if (name !== null) metadata.name = name;
  if (error !== null) metadata.error = errorMetadata(error);
  const workflow = workflowContext(reader, facts);
  if (Object.keys(workflow).length > 0) metadata.workflow = workflow as JsonObject;
  return {
    wstpId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    wkexId: workflowExecutionId(span.traceId, parentSpanId),
    stepId: reader.boundedString("step_id", VARCHAR_ID, "workflow.step.id"),
    stepOrder: reader.integer("workflow.step.order"),
    status: workflowStatus(reader, error),
    startedAt: timing.startedAt,
    completedAt: timing.completedAt,
    durationMs: timing.durationMs,
    errorMessage: error?.message ?? null,
    attributes: {
      input: reader.payload("workflow.step.input") ?? null,
      output: reader.payload("workflow.step.output") ?? null,
      metadata: finishMetadata(reader, metadata),
    },
  };
}

function workflowContext(reader: SpanReader, facts: SpanFacts): WorkflowContext {
  const context: Record<string, string | number> = {};
  const executionId = reader.boundedString("workflow_execution_id", VARCHAR_ID, "workflow.execution.id");
  const workflowId = uuidColumn(reader, "workflow_id", "workflow.id");
  const name = reader.string("workflow.name");
  const totalSteps = reader.integer("workflow.total_steps");
  if (executionId !== null) context.executionId = executionId;
  if (workflowId !== null) context.workflowId = workflowId;
  if (name !== null) context.name = name;
  if (totalSteps !== null) context.totalSteps = totalSteps;
  for (const [key, value] of Object.entries(executionContext(reader, facts))) {
    if (value !== null) context[key] = value;
  }
  const config = reader.objectFromPrefix("workflow.config");
  return Object.keys(config).length > 0 ? { ...context, executionConfig: config } : context;
}
