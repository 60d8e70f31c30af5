import type { OpenAPIHono } from "@hono/zod-openapi";
import { type Database, listLlmCalls } from "../../store/index.js";
import type { ApiEnv } from "../auth.js";
import { jsonText } from "../json-text.js";
import { LlmCallListQuery } from "../query-params.js";
import { apiRouter } from "../router.js";
import { LlmCallBody, llmCallJson } from "../schemas.js";
import { answerPage, listRoute, type PageBody } from "./list-route.js";

const listModelRequests = listRoute({
  path: "/api/llm-calls",
  summary:
    "List model requests (filters: model, provider, workflow execution, organisation, time; keyset pages)",
  query: LlmCallListQuery,
  item: LlmCallBody,
  page: "LlmCallPage",
});

/** Model requests: every one is a row, whatever workflow (or none yet) it belongs to. */
export function llmCallRoutes(db: Database): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  app.openapi(listModelRequests, async (c) => {
    const q = c.req.valid("query");
    const filters = {
      model: q.model,
      provider: q.provider,
      workflowExecution: q.workflow_execution_id,
      organizationId: q.organization_id,
      startedFrom: q.started_from,
      startedTo: q.started_to,
    };
    const text = await answerPage(c.get("scope"), q, (p) =>
      listLlmCalls(db, c.get("scope"), filters, p, llmCallJson),
    );
    return jsonText<PageBody<typeof LlmCallBody>>(c, text);
  });
  return app;
}
