import { Hono } from "hono";
import { createHealthRoutes, type HealthOptions } from "./health.js";

export type ApiOptions = HealthOptions;

export function createApiApp(options: ApiOptions): Hono {
  const app = new Hono();
  app.route("/", createHealthRoutes(options));
  app.notFound((c) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((_error, c) => c.json({ error: "internal", message: "internal error" }, 500));
  return app;
}
