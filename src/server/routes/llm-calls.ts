import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { type Database, listLlmCalls } from "../../store/index.js";
import { type ApiEnv, checkOrganization } from "../auth.js";
import { LlmCallListQuery } from "../query-params.js";
import { apiRouter } from "../router.js";
import { ErrorBody, LlmCallBody, llmCallJson, pageOf } from "../schemas.js";
import { page, paged } from "./paging.js";

const listRoute = createRoute({
  method: "get",
  path: "/api/llm-calls",
  tags: ["executions"],
  summary:
    "List model requests (filters: model, provider, workflow execution, organisation, time; keyset pages)",
  request: { query: LlmCallListQuery },
  responses: {
    200: {
      description: "a page",
      content: { "application/json": { schema: pageOf(LlmCallBody, "LlmCallPage") } },
    },
    400: { description: "invalid parameters", content: { "application/json": { schema: ErrorBody } } },
    401: {
      description: "missing or unknown API key",
      content: { "application/json": { schema: ErrorBody } },
    },
    403: {
      description: "organisation outside the key's scope",
      content: { "application/json": { schema: ErrorBody } },
    },
  },
});

/** Model requests: every one is a row, whatever workflow (or none yet) it belongs to. */
export function llmCallRoutes(db: Database): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const scope = c.get("scope");
    checkOrganization(scope, q.organization_id);
    const result = await paged(() =>
      listLlmCalls(
        db,
        scope,
        {
          model: q.model,
          provider: q.provider,
          workflowExecution: q.workflow_execution_id,
          organizationId: q.organization_id,
          startedFrom: q.started_from,
          startedTo: q.started_to,
        },
        page(q),
      ),
    );
    return c.json({ items: result.items.map(llmCallJson), nextCursor: result.nextCursor }, 200);
  });
  return app;
}
