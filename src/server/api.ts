import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AccessKey } from "../model/index.js";
import { type DatabaseHandle, pingDatabase } from "../store/index.js";
import { type ApiEnv, authenticate } from "./auth.js";
import { ApiError, errorResponse } from "./errors.js";
import { explorerRoutes } from "./explorer/index.js";
import { createHealthRoutes } from "./health.js";
import type { ExeclensMetrics } from "./metrics.js";
import { apiRouter } from "./router.js";
import { DOCS_PAGE } from "./routes/docs-page.js";
import { eventRoutes } from "./routes/events.js";
import { executionRoutes } from "./routes/executions.js";
import { llmCallRoutes } from "./routes/llm-calls.js";
import { seedEndpointRoutes } from "./routes/seed-endpoints.js";
import { statsRoutes } from "./routes/stats.js";
import { traceRequests } from "./tracing.js";

export interface ApiOptions {
  readonly database: DatabaseHandle;
  readonly metrics: ExeclensMetrics;
  readonly apiKeys: readonly AccessKey[];
  /** Serve the explorer's pages at `/` (EXECLENS_EXPLORER). */
  readonly explorer?: boolean;
  readonly onError?: (error: unknown) => void;
}

/** The query API: typed routes (zod), an OpenAPI document, health without a key. */
export function createApiApp(options: ApiOptions): OpenAPIHono<ApiEnv> {
  const app = apiRouter();
  const db = options.database.db;
  // Before the tracing middleware: page and asset loads say nothing about the API's use.
  if (options.explorer === true) app.route("/", explorerRoutes());
  app.use("*", traceRequests());
  app.route(
    "/",
    createHealthRoutes({
      checkDatabase: () => pingDatabase(db),
    }),
  );
  app.get("/api/openapi.json", (c) =>
    c.json(
      app.getOpenAPIDocument({
        openapi: "3.0.0",
        info: {
          title: "execlens query API",
          version: "1",
          description: "Skill and workflow executions recognised in OpenTelemetry traces.",
        },
        security: options.apiKeys.length > 0 ? [{ bearer: [] }] : [],
      }),
    ),
  );
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/api/docs", (c) => c.html(DOCS_PAGE));
  app.get("/metrics", async (c) =>
    c.text(await options.metrics.scrape(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    }),
  );
  app.use("/api/*", async (c, next) => {
    if (c.req.path === "/api/openapi.json" || c.req.path === "/api/docs") return next();
    return authenticate(options.apiKeys)(c, next);
  });
  for (const routes of [
    executionRoutes(db),
    llmCallRoutes(db),
    statsRoutes(db),
    eventRoutes(options.database),
    seedEndpointRoutes(db),
  ]) {
    app.route("/", routes);
  }

  app.notFound((c) =>
    errorResponse(c, new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    options.onError?.(error);
    return errorResponse(c, new ApiError("internal", "internal error; see the execlens log"));
  });
  return app;
}
