import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type Database,
  type ExecutionFilters,
  listSkillExecutions,
  listWorkflowExecutions,
  skillExecutionJson,
  workflowExecutionJson,
} from "../../store/index.js";
import type { ApiEnv } from "../auth.js";
import { ApiError } from "../errors.js";
import { jsonText } from "../json-text.js";
import { SkillListQuery, WorkflowListQuery } from "../query-params.js";
import { apiRouter } from "../router.js";
import {
  detailJson,
  SkillExecutionBody,
  skillJson,
  WorkflowDetailBody,
  WorkflowExecutionBody,
  workflowJson,
} from "../schemas.js";
import { answerPage, errorResponses, listRoute, notFoundResponse, type PageBody } from "./list-route.js";

const listSkills = listRoute({
  path: "/api/skill-executions",
  summary: "List skill executions (filters on every indexed column, keyset pages)",
  query: SkillListQuery,
  item: SkillExecutionBody,
  page: "SkillExecutionPage",
});

const listWorkflows = listRoute({
  path: "/api/workflow-executions",
  summary: "List workflow executions (filters on every indexed column, keyset pages)",
  query: WorkflowListQuery,
  item: WorkflowExecutionBody,
  page: "WorkflowExecutionPage",
});

const getSkill = createRoute({
  method: "get",
  path: "/api/skill-executions/{id}",
  tags: ["executions"],
  summary: "One skill execution",
  request: { params: z.object({ id: z.string().openapi({ description: "exec_id" }) }) },
  responses: {
    200: { description: "the execution", content: { "application/json": { schema: SkillExecutionBody } } },
    ...errorResponses,
    ...notFoundResponse,
  },
});

const getWorkflow = createRoute({
  method: "get",
  path: "/api/workflow-executions/{executionId}",
  tags: ["executions"],
  summary: "One workflow execution with its steps and skill executions in order, progress and current step",
  request: {
    params: z.object({ executionId: z.string().openapi({ description: "wkex_execution_id or wkex_id" }) }),
  },
  responses: {
    200: { description: "the execution", content: { "application/json": { schema: WorkflowDetailBody } } },
    ...errorResponses,
    ...notFoundResponse,
  },
});

/** The query parameters both lists share, as store filters. */
function commonFilters(q: Omit<z.infer<typeof WorkflowListQuery>, "workflow_id">): ExecutionFilters {
  return {
    companionId: q.companion_id,
    userId: q.user_id,
    organizationId: q.organization_id,
    status: q.status,
    sessionId: q.session_id,
    conversationId: q.conversation_id,
    startedFrom: q.started_from,
    startedTo: q.started_to,
    minDurationMs: q.min_duration_ms,
  };
}

export function executionRoutes(db: Database): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(listSkills, async (c) => {
    const q = c.req.valid("query");
    const filters = { ...commonFilters(q), skillId: q.skill_id, workflowExecution: q.workflow_execution_id };
    const text = await answerPage(c.get("scope"), q, (p) =>
      listSkillExecutions(db, c.get("scope"), filters, p, skillJson),
    );
    return jsonText<PageBody<typeof SkillExecutionBody>>(c, text);
  });

  app.openapi(listWorkflows, async (c) => {
    const q = c.req.valid("query");
    const filters = { ...commonFilters(q), workflowId: q.workflow_id };
    const text = await answerPage(c.get("scope"), q, (p) =>
      listWorkflowExecutions(db, c.get("scope"), filters, p, workflowJson),
    );
    return jsonText<PageBody<typeof WorkflowExecutionBody>>(c, text);
  });

  app.openapi(getSkill, async (c) => {
    const text = await skillExecutionJson(db, c.get("scope"), c.req.valid("param").id, skillJson);
    if (text === undefined) throw new ApiError("not_found", "no such skill execution");
    return jsonText<z.infer<typeof SkillExecutionBody>>(c, text);
  });

  app.openapi(getWorkflow, async (c) => {
    const text = await workflowExecutionJson(
      db,
      c.get("scope"),
      c.req.valid("param").executionId,
      detailJson,
    );
    if (text === undefined) throw new ApiError("not_found", "no such workflow execution");
    return jsonText<z.infer<typeof WorkflowDetailBody>>(c, text);
  });
  return app;
}
