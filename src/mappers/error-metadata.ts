import type { JsonObject } from "../model/index.js";
import type { SpanError } from "./status.js";

/** metadata.error: the whole error (the columns keep only its message). */
export function errorMetadata(error: SpanError): JsonObject {
  const out: JsonObject = {};
  if (error.type !== null) out.type = error.type;
  if (error.message !== null) out.message = error.message;
  if (error.exceptionMessage !== null) out.exceptionMessage = error.exceptionMessage;
  if (error.stacktrace !== null) out.stacktrace = error.stacktrace;
  return out;
}
