import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { SKILL_STATUSES, WORKFLOW_STATUSES } from "../model/index.js";
import {
  jsonBuildObject,
  llmCalls,
  skillExecutions,
  type WorkflowExecution,
  workflowExecutions,
  workflowLlmCallsJson,
  workflowSkillsJson,
  workflowStepExecutions,
  workflowStepsJson,
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
/** A skill execution row as SkillExecutionBody, in SQL. */
export const skillJson = jsonBuildObject(skill.entries);

export function progressOf(
  row: Pick<WorkflowExecution, "completedSteps" | "totalSteps" | "status">,
): number | null {
  if (row.status === "completed") return 100;
  if (!row.totalSteps) return null;
  return Math.min(100, Math.round(((row.completedSteps ?? 0) / row.totalSteps) * 1000) / 10);
}

/** progressOf in SQL, over the workflow execution row, in the same float8 arithmetic as JavaScript's. */
export const progressSql: SQL = (() => {
  const t = workflowExecutions;
  const tenths = sql`(coalesce(${t.completedSteps}, 0)::float8 / ${t.totalSteps} * 1000)`;
  // Math.round: halves go up (PostgreSQL's round() of a float8 would make them even)
  const rounded = sql`CASE WHEN ${tenths} - floor(${tenths}) >= 0.5 THEN ceil(${tenths}) ELSE floor(${tenths}) END`;
  return sql`CASE WHEN ${t.status} = 'completed' THEN 100
    WHEN coalesce(${t.totalSteps}, 0) = 0 THEN NULL
    ELSE least(100, ${rounded} / 10) END`;
})();

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

const workflowEntries = [...workflow.entries, ["progress", progressSql]] as const;
/** A workflow execution row as WorkflowExecutionBody, in SQL. */
export const workflowJson = jsonBuildObject(workflowEntries);

const step = rowBody(workflowStepExecutions, {
  name: "WorkflowStepExecution",
  omit: ["wkexId", "createdAt"],
  refine: { status: z.enum(WORKFLOW_STATUSES), attributes: jsonObject },
});
export const StepBody = step.schema;

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
/** A model request row as LlmCallBody, in SQL. */
export const llmCallJson = jsonBuildObject(llmCall.entries);

export const WorkflowDetailBody = WorkflowExecutionBody.extend({
  steps: z.array(StepBody),
  skills: z.array(SkillExecutionBody),
  llmCalls: z.array(LlmCallBody).openapi({ description: "its model requests, in start order" }),
}).openapi("WorkflowExecutionDetail");

/** A workflow execution row with the rows under it as WorkflowDetailBody, in SQL. */
export const detailJson = jsonBuildObject([
  ...workflowEntries,
  ["steps", workflowStepsJson(jsonBuildObject(step.entries))],
  ["skills", workflowSkillsJson(skillJson)],
  ["llmCalls", workflowLlmCallsJson(llmCallJson)],
]);

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
