import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import {
  type Database,
  type JsonEntry,
  jsonBuildObject,
  listSkillExecutions,
  skillExecutionJson,
  skillExecutions,
  workflowExecutionJson,
  workflowExecutions,
  workflowSkillsJson,
  workflowStepExecutions,
  workflowStepsJson,
} from "../../store/index.js";
import type { ApiEnv } from "../auth.js";
import { ApiError } from "../errors.js";
import { commaSeparated, jsonText } from "../json-text.js";
import { apiRouter } from "../router.js";
import { ErrorBody, progressSql } from "../schemas.js";

/*
 * The endpoints the seed names, answered from the same rows: the shapes the chat UI and the
 * workflow visualizer of the seed read.
 */

const WorkerStatus = z
  .object({
    executionId: z.string(),
    skillId: z.string().nullable(),
    skillName: z.string(),
    status: z.string(),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    input: z.unknown(),
    output: z.unknown(),
  })
  .openapi("WorkerExecutionStatus");

const WorkflowStatus = z
  .object({
    executionId: z.string(),
    workflowId: z.string().nullable(),
    workflowName: z.string().nullable(),
    status: z.string(),
    progress: z.number().nullable(),
    currentStep: z.object({ id: z.string().nullable(), order: z.number().nullable() }),
    completedSteps: z.number().nullable(),
    totalSteps: z.number().nullable(),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    error: z.object({ step: z.string().nullable(), message: z.string().nullable() }).nullable(),
  })
  .openapi("WorkflowExecuteStatus");

const WorkflowDetailedStatus = WorkflowStatus.extend({
  steps: z.array(
    z.object({
      stepId: z.string().nullable(),
      order: z.number().nullable(),
      status: z.string(),
      startedAt: z.string(),
      completedAt: z.string().nullable(),
      durationMs: z.number().nullable(),
      error: z.string().nullable(),
      output: z.unknown(),
    }),
  ),
  skills: z.array(WorkerStatus),
  initialInput: z.unknown(),
  intermediateResults: z.unknown(),
  finalOutput: z.unknown(),
}).openapi("WorkflowDetailedStatus");

const ExecutionIdQuery = z.object({
  executionId: z
    .string()
    .min(1)
    .openapi({ description: "the workflow's execution id (wkex_execution_id or wkex_id)" }),
});

const errors = {
  400: { description: "invalid parameters", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "missing or unknown API key", content: { "application/json": { schema: ErrorBody } } },
  404: { description: "not found", content: { "application/json": { schema: ErrorBody } } },
} as const;

/* The bodies above, built by PostgreSQL from the rows (see store/read/json.ts). */

const skill = skillExecutions;
const workerStatus = jsonBuildObject([
  ["executionId", skill.execId],
  ["skillId", skill.skillId],
  ["skillName", skill.skillName],
  ["status", skill.status],
  ["startedAt", skill.startedAt],
  ["completedAt", skill.completedAt],
  ["durationMs", skill.durationMs],
  ["error", skill.errorMessage],
  ["input", sql`${skill.attributes}->'input_data'`],
  ["output", sql`${skill.attributes}->'output_data'`],
]);

const w = workflowExecutions;
const workflowStatusEntries: readonly JsonEntry[] = [
  ["executionId", w.executionId],
  ["workflowId", w.workflowId],
  ["workflowName", w.workflowName],
  ["status", w.status],
  ["progress", progressSql],
  [
    "currentStep",
    jsonBuildObject([
      ["id", w.currentStepId],
      ["order", w.currentStepOrder],
    ]),
  ],
  ["completedSteps", w.completedSteps],
  ["totalSteps", w.totalSteps],
  ["startedAt", w.startedAt],
  ["completedAt", w.completedAt],
  ["durationMs", w.totalDurationMs],
  [
    "error",
    sql`CASE WHEN ${w.errorStep} IS NULL AND ${w.errorMessage} IS NULL THEN NULL
      ELSE ${jsonBuildObject([
        ["step", w.errorStep],
        ["message", w.errorMessage],
      ])} END`,
  ],
];
const workflowStatus = jsonBuildObject(workflowStatusEntries);

const step = workflowStepExecutions;
const workflowDetailedStatus = jsonBuildObject([
  ...workflowStatusEntries,
  [
    "steps",
    workflowStepsJson(
      jsonBuildObject([
        ["stepId", step.stepId],
        ["order", step.stepOrder],
        ["status", step.status],
        ["startedAt", step.startedAt],
        ["completedAt", step.completedAt],
        ["durationMs", step.durationMs],
        ["error", step.errorMessage],
        ["output", sql`${step.attributes}->'output'`],
      ]),
    ),
  ],
  ["skills", workflowSkillsJson(workerStatus)],
  ["initialInput", sql`${w.attributes}->'initial_input'`],
  ["intermediateResults", sql`${w.attributes}->'intermediate_results'`],
  ["finalOutput", sql`${w.attributes}->'final_output'`],
]);

async function workflowOrNotFound(
  db: Database,
  c: { get(key: "scope"): ApiEnv["Variables"]["scope"] },
  id: string,
  json: SQL,
): Promise<string> {
  const text = await workflowExecutionJson(db, c.get("scope"), id, json);
  if (text === undefined) throw new ApiError("not_found", "no such workflow execution");
  return text;
}

export function seedEndpointRoutes(db: Database): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/workers/execute",
      tags: ["seed endpoints"],
      summary:
        "Skill execution status: one by executionId, or a session's executions by sessionId (newest first)",
      request: {
        query: z.object({
          executionId: z.string().optional().openapi({ description: "exec_id of one skill execution" }),
          sessionId: z.string().optional().openapi({ description: "all skill executions of a chat session" }),
        }),
      },
      responses: {
        200: {
          description: "status",
          content: {
            "application/json": {
              schema: z.union([WorkerStatus, z.object({ executions: z.array(WorkerStatus) })]),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      if ((q.executionId === undefined) === (q.sessionId === undefined)) {
        throw new ApiError(
          "bad_request",
          "invalid query parameter(s): give executionId or sessionId (one of them)",
        );
      }
      if (q.executionId !== undefined) {
        const text = await skillExecutionJson(db, c.get("scope"), q.executionId, workerStatus);
        if (text === undefined) throw new ApiError("not_found", "no such skill execution");
        return jsonText<z.infer<typeof WorkerStatus>>(c, text);
      }
      const page = await listSkillExecutions(
        db,
        c.get("scope"),
        { sessionId: q.sessionId },
        { sort: "started_at", order: "desc", limit: 500 },
        workerStatus,
      );
      return jsonText<{ executions: Array<z.infer<typeof WorkerStatus>> }>(c, [
        '{"executions":[',
        ...commaSeparated(page.items),
        "]}",
      ]);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/workflows/execute",
      tags: ["seed endpoints"],
      summary: "Workflow execution status: status, progress, current step",
      request: { query: ExecutionIdQuery },
      responses: {
        200: { description: "status", content: { "application/json": { schema: WorkflowStatus } } },
        ...errors,
      },
    }),
    async (c) =>
      jsonText<z.infer<typeof WorkflowStatus>>(
        c,
        await workflowOrNotFound(db, c, c.req.valid("query").executionId, workflowStatus),
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/workflows/status",
      tags: ["seed endpoints"],
      summary: "Detailed workflow execution status, with its steps, skills and results",
      request: { query: ExecutionIdQuery },
      responses: {
        200: { description: "status", content: { "application/json": { schema: WorkflowDetailedStatus } } },
        ...errors,
      },
    }),
    async (c) =>
      jsonText<z.infer<typeof WorkflowDetailedStatus>>(
        c,
        await workflowOrNotFound(db, c, c.req.valid("query").executionId, workflowDetailedStatus),
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/workflows/execute",
      tags: ["seed endpoints"],
      summary: "Not here: starting a workflow is the app's job; execlens only observes executions",
      responses: {
        405: { description: "always", content: { "application/json": { schema: ErrorBody } } },
      },
    }),
    (c) =>
      c.json(
        {
          error: "method_not_allowed",
          message:
            "execlens observes workflow executions and does not start them: POST /api/workflows/execute belongs to your app. Use GET here for status.",
        },
        405,
        { allow: "GET" },
      ),
  );
  return app;
}
