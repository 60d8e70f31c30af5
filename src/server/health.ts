import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";

export interface HealthOptions {
  /** Resolves when the database answers; rejects with the reason when it does not. */
  readonly checkDatabase: () => Promise<void>;
}

const Health = z.object({ status: z.string(), message: z.string().optional() }).openapi("Health");

/** Liveness needs nothing; readiness needs the database. Neither needs an API key. */
export function createHealthRoutes(options: HealthOptions): OpenAPIHono {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      tags: ["health"],
      summary: "The process is up",
      responses: { 200: { description: "alive", content: { "application/json": { schema: Health } } } },
    }),
    (c) => c.json({ status: "ok" }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      tags: ["health"],
      summary: "The database answers",
      responses: {
        200: { description: "ready", content: { "application/json": { schema: Health } } },
        503: {
          description: "the database does not answer",
          content: { "application/json": { schema: Health } },
        },
      },
    }),
    async (c) => {
      try {
        await options.checkDatabase();
        return c.json({ status: "ready" }, 200);
      } catch (error) {
        return c.json({ status: "unavailable", message: `database: ${(error as Error).message}` }, 503);
      }
    },
  );
  return app;
}
