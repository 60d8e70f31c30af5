import { z } from "@hono/zod-openapi";
import { SKILL_STATUSES, WORKFLOW_STATUSES } from "../model/index.js";
import {
  llmCalls,
  skillExecutions,
  type WorkflowExecution,
  type WorkflowExecutionDetail,
  workflowExecutions,
  workflowStepExecutions,
} from "../store/index.js";
import { jsonObject, rowBody } from "./row-body.js";

export const ErrorBody = z
  .object({ error: z.string(), message: z.string() })
  .openapi("Error", { example: { error: "bad_request", message: "invalid query parameter(s): limit: …" } });

const skill = rowBody(skillExecutions, {
  name: "SkillExecution",
  rename: { wkexId: "workflowExecutionId" },
  refine: { status: z.enum(SKILL_STATUSES), attributes: jsonObject },
});
export const SkillExecutionBody = skill.schema;
export const skillJson = skill.json;

export function progressOf(
  row: Pick<WorkflowExecution, "completedSteps" | "totalSteps" | "status">,
): number | null {
  if (row.status === "completed") return 100;
  if (!row.totalSteps) return null;
  return Math.min(100, Math.round(((row.completedSteps ?? 0) / row.totalSteps) * 1000) / 10);
}

const workflow = rowBody(workflowExecutions, {
  name: "WorkflowExecutionColumns",
  // whether the workflow's own span has arrived: how execlens builds the row, not what it says
  omit: ["spanReceived"],
  refine: { status: z.enum(WORKFLOW_STATUSES), attributes: jsonObject },
});
export const WorkflowExecutionBody = workflow.schema
  .extend({
    progress: z.number().nullable().openapi({ description: "completedSteps / totalSteps × 100" }),
  })
  .openapi("WorkflowExecution");

export function workflowJson(row: WorkflowExecution): z.infer<typeof WorkflowExecutionBody> {
  return { ...workflow.json(row), progress: progressOf(row) };
}

const step = rowBody(workflowStepExecutions, {
  name: "WorkflowStepExecution",
  omit: ["wkexId", "createdAt"],
  refine: { status: z.enum(WORKFLOW_STATUSES), attributes: jsonObject },
});
export const StepBody = step.schema;
export const stepJson = step.json;

const llmCall = rowBody(llmCalls, {
  name: "LlmCall",
  rename: { wkexId: "workflowExecutionId" },
  // the step as ai_sdk_steps shows it: the workflow's attributes carry it
  omit: ["step"],
  refine: {
    leaf: z.boolean().openapi({
      description: "false when another model request below it carries the tokens (not counted)",
    }),
    messages: z.array(z.unknown()).openapi({
      description: "the conversation after the request, AI SDK style [{role, content, toolCalls?}]",
    }),
  },
});
export const LlmCallBody = llmCall.schema;
export const llmCallJson = llmCall.json;

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
