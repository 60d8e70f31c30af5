import { z } from "@hono/zod-openapi";
import { SKILL_STATUSES, WORKFLOW_STATUSES } from "../mappers/index.js";
import type {
  SkillExecution,
  WorkflowExecution,
  WorkflowExecutionDetail,
  WorkflowStepExecution,
} from "../store/index.js";

const json = z.record(z.string(), z.unknown());
const timestamp = z.string().openapi({ format: "date-time" });
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

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
    startedAt: row.startedAt.toISOString(),
    completedAt: iso(row.completedAt),
    durationMs: row.durationMs,
    sessionId: row.sessionId,
    conversationId: row.conversationId,
    stepNumber: row.stepNumber,
    errorMessage: row.errorMessage,
    attributes: { ...row.attributes },
    traceId: row.traceId,
    spanId: row.spanId,
    createdAt: row.createdAt.toISOString(),
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
    startedAt: row.startedAt.toISOString(),
    completedAt: iso(row.completedAt),
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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
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
    startedAt: row.startedAt.toISOString(),
    completedAt: iso(row.completedAt),
    durationMs: row.durationMs,
    errorMessage: row.errorMessage,
    attributes: { ...row.attributes },
  };
}

export const WorkflowDetailBody = WorkflowExecutionBody.extend({
  steps: z.array(StepBody),
  skills: z.array(SkillExecutionBody),
}).openapi("WorkflowExecutionDetail");

export function detailJson(detail: WorkflowExecutionDetail): z.infer<typeof WorkflowDetailBody> {
  return {
    ...workflowJson(detail.workflow),
    steps: detail.steps.map(stepJson),
    skills: detail.skills.map(skillJson),
  };
}

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
