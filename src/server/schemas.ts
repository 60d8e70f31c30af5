import { z } from "@hono/zod-openapi";
import { SKILL_STATUSES, WORKFLOW_STATUSES } from "../model/index.js";
import type {
  LlmCall,
  SkillExecution,
  WorkflowExecution,
  WorkflowExecutionDetail,
  WorkflowStepExecution,
} from "../store/index.js";

const json = z.record(z.string(), z.unknown());
const timestamp = z.string().openapi({ format: "date-time" });

export const ErrorBody = z
  .object({ error: z.string(), message: z.string() })
  .openapi("Error", { example: { error: "bad_request", message: "invalid query parameter(s): limit: …" } });

export const SkillExecutionBody = z
  .object({
    execId: z.string().uuid(),
    skillId: z.string().uuid().nullable(),
    skillName: z.string(),
    companionId: z.string().uuid().nullable(),
    userId: z.string().uuid().nullable(),
    organizationId: z.string().uuid().nullable(),
    workflowExecutionId: z.string().uuid().nullable(),
    status: z.enum(SKILL_STATUSES),
    startedAt: timestamp,
    completedAt: timestamp.nullable(),
    durationMs: z.number().int().nullable(),
    sessionId: z.string().nullable(),
    conversationId: z.string().nullable(),
    stepNumber: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    attributes: json,
    traceId: z.string().nullable(),
    spanId: z.string().nullable(),
    createdAt: timestamp,
  })
  .openapi("SkillExecution");

export function skillJson(row: SkillExecution): z.infer<typeof SkillExecutionBody> {
  return {
    execId: row.execId,
    skillId: row.skillId,
    skillName: row.skillName,
    companionId: row.companionId,
    userId: row.userId,
    organizationId: row.organizationId,
    workflowExecutionId: row.wkexId,
    status: row.status,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.durationMs,
    sessionId: row.sessionId,
    conversationId: row.conversationId,
    stepNumber: row.stepNumber,
    errorMessage: row.errorMessage,
    attributes: { ...row.attributes },
    traceId: row.traceId,
    spanId: row.spanId,
    createdAt: row.createdAt,
  };
}

export const WorkflowExecutionBody = z
  .object({
    wkexId: z.string().uuid(),
    executionId: z.string(),
    workflowId: z.string().uuid().nullable(),
    workflowName: z.string().nullable(),
    companionId: z.string().uuid().nullable(),
    userId: z.string().uuid().nullable(),
    organizationId: z.string().uuid().nullable(),
    sessionId: z.string().nullable(),
    conversationId: z.string().nullable(),
    status: z.enum(WORKFLOW_STATUSES),
    currentStepId: z.string().nullable(),
    currentStepOrder: z.number().int().nullable(),
    totalSteps: z.number().int().nullable(),
    completedSteps: z.number().int().nullable(),
    progress: z.number().nullable().openapi({ description: "completedSteps / totalSteps × 100" }),
    startedAt: timestamp,
    completedAt: timestamp.nullable(),
    totalDurationMs: z.number().int().nullable(),
    avgStepDurationMs: z.number().nullable(),
    errorMessage: z.string().nullable(),
    errorStep: z.string().nullable(),
    debugMode: z.boolean(),
    logLevel: z.string(),
    totalTokens: z.number().nullable(),
    costUsd: z.number().nullable(),
    attributes: json,
    traceId: z.string().nullable(),
    spanId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("WorkflowExecution");

export function progressOf(
  row: Pick<WorkflowExecution, "completedSteps" | "totalSteps" | "status">,
): number | null {
  if (row.status === "completed") return 100;
  if (!row.totalSteps) return null;
  return Math.min(100, Math.round(((row.completedSteps ?? 0) / row.totalSteps) * 1000) / 10);
}

export function workflowJson(row: WorkflowExecution): z.infer<typeof WorkflowExecutionBody> {
  return {
    wkexId: row.wkexId,
    executionId: row.executionId,
    workflowId: row.workflowId,
    workflowName: row.workflowName,
    companionId: row.companionId,
    userId: row.userId,
    organizationId: row.organizationId,
    sessionId: row.sessionId,
    conversationId: row.conversationId,
    status: row.status,
    currentStepId: row.currentStepId,
    currentStepOrder: row.currentStepOrder,
    totalSteps: row.totalSteps,
    completedSteps: row.completedSteps,
    progress: progressOf(row),
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    totalDurationMs: row.totalDurationMs,
    avgStepDurationMs: row.avgStepDurationMs,
    errorMessage: row.errorMessage,
    errorStep: row.errorStep,
    debugMode: row.debugMode,
    logLevel: row.logLevel,
    totalTokens: row.totalTokens,
    costUsd: row.costUsd === null ? null : Number(row.costUsd),
    attributes: { ...row.attributes },
    traceId: row.traceId,
    spanId: row.spanId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const StepBody = z
  .object({
    wstpId: z.string().uuid(),
    stepId: z.string().nullable(),
    stepOrder: z.number().int().nullable(),
    status: z.enum(WORKFLOW_STATUSES),
    startedAt: timestamp,
    completedAt: timestamp.nullable(),
    durationMs: z.number().int().nullable(),
    errorMessage: z.string().nullable(),
    attributes: json,
  })
  .openapi("WorkflowStepExecution");

export function stepJson(row: WorkflowStepExecution): z.infer<typeof StepBody> {
  return {
    wstpId: row.wstpId,
    stepId: row.stepId,
    stepOrder: row.stepOrder,
    status: row.status,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.durationMs,
    errorMessage: row.errorMessage,
    attributes: { ...row.attributes },
  };
}

export const LlmCallBody = z
  .object({
    llmId: z.string().uuid(),
    traceId: z.string(),
    spanId: z.string(),
    workflowExecutionId: z.string().uuid().nullable(),
    operation: z.string().openapi({ description: "chat, ai.generateText.doGenerate, embeddings…" }),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    startedAt: timestamp,
    completedAt: timestamp,
    durationMs: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cachedInputTokens: z.number().int(),
    cacheWriteTokens: z.number().int(),
    reasoningTokens: z.number().int(),
    totalTokens: z.number().int(),
    costUsd: z.number().nullable().openapi({ description: "null when the model has no price" }),
    costSource: z.enum(["reported", "computed"]).nullable().openapi({
      description: "reported by the instrumentation, or computed from the price table",
    }),
    finishReason: z.string().nullable(),
    errorMessage: z.string().nullable(),
    leaf: z.boolean().openapi({
      description: "false when another model request below it carries the tokens (not counted)",
    }),
    messages: z.array(z.unknown()).nullable().openapi({
      description: "the conversation after the request, AI SDK style [{role, content, toolCalls?}]",
    }),
    createdAt: timestamp,
  })
  .openapi("LlmCall");

export function llmCallJson(row: LlmCall): z.infer<typeof LlmCallBody> {
  return {
    llmId: row.llmId,
    traceId: row.traceId,
    spanId: row.spanId,
    workflowExecutionId: row.wkexId,
    operation: row.operation,
    provider: row.provider,
    model: row.model,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.durationMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedInputTokens: row.cachedInputTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    reasoningTokens: row.reasoningTokens,
    totalTokens: row.totalTokens,
    costUsd: row.costUsd,
    costSource: row.costSource,
    finishReason: row.finishReason,
    errorMessage: row.errorMessage,
    leaf: row.leaf,
    messages: row.messages,
    createdAt: row.createdAt,
  };
}

export const WorkflowDetailBody = WorkflowExecutionBody.extend({
  steps: z.array(StepBody),
  skills: z.array(SkillExecutionBody),
  llmCalls: z.array(LlmCallBody).openapi({ description: "its model requests, in start order" }),
}).openapi("WorkflowExecutionDetail");

export function detailJson(detail: WorkflowExecutionDetail): z.infer<typeof WorkflowDetailBody> {
  return {
    ...workflowJson(detail.workflow),
    steps: detail.steps.map(stepJson),
    skills: detail.skills.map(skillJson),
    llmCalls: detail.llmCalls.map(llmCallJson),
  };
}

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
