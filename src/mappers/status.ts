import { type Span, StatusCode, WORKFLOW_STATUSES, type WorkflowStatus } from "../model/index.js";
import type { SpanReader } from "./span-reader.js";

const TIMEOUT = /time[\s_-]?out|timed[\s_-]?out|deadline[\s_-]?exceeded|etimedout/i;

export interface SpanError {
  /** The status message, else the exception's message, else its type. */
  readonly message: string | null;
  readonly type: string | null;
  /** The exception event's own message when it says something the status message does not. */
  readonly exceptionMessage: string | null;
  readonly stacktrace: string | null;
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);

/**
 * The error a span reports: its status message, error.type, and the last `exception` event
 * (the one that ended the span when it recorded several), each kept whole.
 */
export function spanError(span: Span): SpanError | null {
  if (span.status.code !== StatusCode.ERROR) return null;
  const exception = span.events.findLast((event) => event.name === "exception");
  const type = text(span.attributes["error.type"]) ?? text(exception?.attributes["exception.type"]);
  const statusMessage = text(span.status.message);
  const exceptionMessage = text(exception?.attributes["exception.message"]);
  return {
    message: statusMessage ?? exceptionMessage ?? type,
    type,
    exceptionMessage: statusMessage !== null && exceptionMessage !== statusMessage ? exceptionMessage : null,
    stacktrace: text(exception?.attributes["exception.stacktrace"]),
  };
}

/** A finished span's own status: ERROR is failed, or timeout when the error says so; else completed. */
export function finishedStatus(error: SpanError | null): "completed" | "failed" | "timeout" {
  if (error === null) return "completed";
  return [error.type, error.message, error.exceptionMessage].some((t) => t !== null && TIMEOUT.test(t))
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
