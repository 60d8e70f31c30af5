import type { MiddlewareHandler } from "hono";
import { type AccessKey, findAccessKey, sourceIdToUuid } from "../model/index.js";
import { ALL, type Scope } from "../store/index.js";
import { ApiError } from "./errors.js";

export type ApiEnv = { Variables: { scope: Scope } };

/**
 * Bearer API keys. With none configured the API is open (scope: every organisation); with keys,
 * a request without a valid one is 401 and a key reads its organisations' rows only.
 */
export function authenticate(keys: readonly AccessKey[]): MiddlewareHandler<ApiEnv> {
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

/** The scope a presented key grants, or undefined when it is not a configured key. */
function scopeOfKey(keys: readonly AccessKey[], presented: string): Scope | undefined {
  const key = findAccessKey(keys, presented);
  if (key === undefined) return undefined;
  return key.organizations === "*"
    ? { all: true }
    : { organizationIds: key.organizations.map((o) => sourceIdToUuid(o)) };
}
