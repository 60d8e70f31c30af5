import { type Span, StatusCode, WORKFLOW_STATUSES, type WorkflowStatus } from "../model/index.js";
import type { SpanReader } from "./span-reader.js";

const TIMEOUT = /time[\s_-]?out|timed[\s_-]?out|deadline[\s_-]?exceeded|etimedout/i;

export interface SpanError {
  readonly type: string | null;
  readonly message: string | null;
  readonly stacktrace: string | null;
}

/** The error a span reports: its status message, its first exception event, error.type. */
export function spanError(span: Span): SpanError | null {
  if (span.status.code !== StatusCode.ERROR) return null;
  const exception = span.events.find((event) => event.name === "exception");
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  const type = text(span.attributes["error.type"]) ?? text(exception?.attributes["exception.type"]);
  const message = text(span.status.message) ?? text(exception?.attributes["exception.message"]) ?? type;
  return { type, message, stacktrace: text(exception?.attributes["exception.stacktrace"]) };
}

/** A finished span's own status: ERROR is failed, or timeout when the error says so; else completed. */
export function finishedStatus(error: SpanError | null): "completed" | "failed" | "timeout" {
  if (error === null) return "completed";
  return [error.type, error.message].some((text) => text !== null && TIMEOUT.test(text))
    ? "timeout"
    : "failed";
}

/** `workflow.status` (e.g. cancelled, paused) overrides what the span status says. */
export function workflowStatus(reader: SpanReader, error: SpanError | null): WorkflowStatus {
  const override = reader.string("workflow.status");
  if (override !== null) {
    const normalised = override.toLowerCase();
    if ((WORKFLOW_STATUSES as readonly string[]).includes(normalised)) return normalised as WorkflowStatus;
    reader.warnings.push(
      `workflow.status ${JSON.stringify(override)} is not one of ${WORKFLOW_STATUSES.join(", ")}; ignored`,
    );
  }
  return finishedStatus(error);
}
