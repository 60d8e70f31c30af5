import { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiEnv } from "./auth.js";
import { validationError } from "./errors.js";

/** A group of API routes, mounted with `app.route()`; invalid parameters are a 400 naming each. */
export function apiRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}
