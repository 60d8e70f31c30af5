import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

export type ApiErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "internal";

const STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  internal: 500,
};

/** Every API failure: a status and a JSON body `{error, message}`, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ApiError";
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function errorResponse(c: Context, error: ApiError, headers: Record<string, string> = {}) {
  return c.json({ error: error.code, message: error.message }, error.status, headers);
}

/** A 400 naming each invalid parameter. */
export function validationError(target: string, error: ZodError): ApiError {
  const problems = error.issues.map((issue) => {
    const name = issue.path.join(".") || target;
    return `${name}: ${issue.message}`;
  });
  return new ApiError("bad_request", `invalid ${target} parameter(s): ${problems.join("; ")}`);
}
