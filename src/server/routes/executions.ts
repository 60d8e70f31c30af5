import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type Database,
  type ExecutionFilters,
  getSkillExecution,
  getWorkflowExecution,
  listSkillExecutions,
  listWorkflowExecutions,
} from "../../store/index.js";
import { type ApiEnv, checkOrganization } from "../auth.js";
import { ApiError } from "../errors.js";
import { SkillListQuery, WorkflowListQuery } from "../query-params.js";
import { apiRouter } from "../router.js";
import {
  detailJson,
  ErrorBody,
  pageOf,
  SkillExecutionBody,
  skillJson,
  WorkflowDetailBody,
  WorkflowExecutionBody,
  workflowJson,
} from "../schemas.js";
import { page, paged } from "./paging.js";

const errors = {
  400: { description: "invalid parameters", content: { "application/json": { schema: ErrorBody } } },
  401: { description: "missing or unknown API key", content: { "application/json": { schema: ErrorBody } } },
  403: {
    description: "organisation outside the key's scope",
    content: { "application/json": { schema: ErrorBody } },
  },
} as const;
const notFound = {
  404: { description: "not found", content: { "application/json": { schema: ErrorBody } } },
} as const;

const listSkills = createRoute({
  method: "get",
  path: "/api/skill-executions",
  tags: ["executions"],
  summary: "List skill executions (filters on every indexed column, keyset pages)",
  request: { query: SkillListQuery },
  responses: {
    200: {
      description: "a page",
      content: { "application/json": { schema: pageOf(SkillExecutionBody, "SkillExecutionPage") } },
    },
    ...errors,
  },
});

const listWorkflows = createRoute({
  method: "get",
  path: "/api/workflow-executions",
  tags: ["executions"],
  summary: "List workflow executions (filters on every indexed column, keyset pages)",
  request: { query: WorkflowListQuery },
  responses: {
    200: {
      description: "a page",
      content: { "application/json": { schema: pageOf(WorkflowExecutionBody, "WorkflowExecutionPage") } },
    },
    ...errors,
  },
});

const getSkill = createRoute({
  method: "get",
  path: "/api/skill-executions/{id}",
  tags: ["executions"],
  summary: "One skill execution",
  request: { params: z.object({ id: z.string().openapi({ description: "exec_id" }) }) },
  responses: {
    200: { description: "the execution", content: { "application/json": { schema: SkillExecutionBody } } },
    ...errors,
    ...notFound,
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
    ...errors,
    ...notFound,
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
    const scope = c.get("scope");
    checkOrganization(scope, q.organization_id);
    const result = await paged(() =>
      listSkillExecutions(
        db,
        scope,
        {
          ...commonFilters(q),
          skillId: q.skill_id,
          workflowExecution: q.workflow_execution_id,
        },
        page(q),
      ),
    );
    return c.json({ items: result.items.map(skillJson), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(listWorkflows, async (c) => {
    const q = c.req.valid("query");
    const scope = c.get("scope");
    checkOrganization(scope, q.organization_id);
    const result = await paged(() =>
      listWorkflowExecutions(
        db,
        scope,
        {
          ...commonFilters(q),
          workflowId: q.workflow_id,
        },
        page(q),
      ),
    );
    return c.json({ items: result.items.map(workflowJson), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(getSkill, async (c) => {
    const row = await getSkillExecution(db, c.get("scope"), c.req.valid("param").id);
    if (row === undefined) throw new ApiError("not_found", "no such skill execution");
    return c.json(skillJson(row), 200);
  });

  app.openapi(getWorkflow, async (c) => {
    const detail = await getWorkflowExecution(db, c.get("scope"), c.req.valid("param").executionId);
    if (detail === undefined) throw new ApiError("not_found", "no such workflow execution");
    return c.json(detailJson(detail), 200);
  });
  return app;
}
