import type { MiddlewareHandler } from "hono";
import { sourceIdToUuid } from "../model/index.js";
import { ALL, type Scope } from "../store/index.js";
import { type ApiKey, scopeOfKey } from "./api-keys.js";
import { ApiError } from "./errors.js";

export type ApiEnv = { Variables: { scope: Scope } };

/**
 * Bearer API keys. With none configured the API is open (scope: every organisation); with keys,
 * a request without a valid one is 401 and a key reads its organisations' rows only.
 */
export function authenticate(keys: readonly ApiKey[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (keys.length === 0) {
      c.set("scope", ALL);
      return next();
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const scope = match === null ? undefined : scopeOfKey(keys, match[1] as string);
    if (scope === undefined) {
      throw new ApiError(
        "unauthorized",
        match === null ? "an API key is required: Authorization: Bearer <key>" : "unknown API key",
      );
    }
    c.set("scope", scope);
    return next();
  };
}

/** A request filtering on an organisation outside its key's scope is refused rather than answered empty. */
export function checkOrganization(scope: Scope, organizationId: string | undefined): void {
  if (organizationId === undefined || "all" in scope) return;
  if (!scope.organizationIds.includes(sourceIdToUuid(organizationId))) {
    throw new ApiError("forbidden", "organization_id is not one of this API key's organisations");
  }
}
