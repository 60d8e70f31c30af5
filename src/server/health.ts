import { Hono } from "hono";

export interface HealthOptions {
  /** Resolves when the database answers; rejects with the reason when it does not. */
  readonly checkDatabase: () => Promise<void>;
}

/** Liveness needs nothing; readiness needs the database. Neither needs an API key. */
export function createHealthRoutes(options: HealthOptions): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await options.checkDatabase();
      return c.json({ status: "ready" });
    } catch (error) {
      return c.json({ status: "unavailable", message: `database: ${(error as Error).message}` }, 503);
    }
  });
  return app;
}
