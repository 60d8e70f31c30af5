import type { SpanRole } from "../model/index.js";
import { type Span, SpanKind } from "../model/index.js";

/** The AI SDK's top-level calls (ai 4–7, and ai 7's legacy integration): a workflow unless nested. */
const AI_SDK_CALLS = new Set([
  "ai.generateText",
  "ai.streamText",
  "ai.generateObject",
  "ai.streamObject",
  "ai.embed",
  "ai.embedMany",
]);
/** The AI SDK's model calls: the leaf spans that carry one request's tokens. */
const AI_SDK_MODEL_CALL =
  /^ai\.(generateText|streamText|generateObject|streamObject)\.do(Generate|Stream)$|^ai\.(embed|embedMany)\.doEmbed$/;
/** GenAI semantic conventions (gen_ai.operation.name) that are one model request. */
const GEN_AI_MODEL_CALLS = new Set(["chat", "text_completion", "generate_content", "embeddings"]);
const GEN_AI_AGENT_CALLS = new Set(["invoke_agent", "invoke_workflow"]);

function present(span: Span, key: string): boolean {
  const value = span.attributes[key];
  return value !== undefined && value !== null;
}

/** A db client span that ran something (a connect or pool checkout has no statement nor operation). */
function isDbQuery(span: Span): boolean {
  return (
    (present(span, "db.system.name") || present(span, "db.system")) &&
    ["db.query.text", "db.statement", "db.operation.name", "db.operation", "db.query.summary"].some((key) =>
      present(span, key),
    )
  );
}

/** `ai.operationId` (ai 4–7), else the span name the AI SDK gives it. */
export function aiSdkOperation(span: Span): string | undefined {
  const operation = span.attributes["ai.operationId"];
  if (typeof operation === "string") return operation;
  return span.name.startsWith("ai.") ? span.name.split(" ")[0] : undefined;
}

export function genAiOperation(span: Span): string | undefined {
  const operation = span.attributes["gen_ai.operation.name"];
  return typeof operation === "string" ? operation : undefined;
}

/**
 * Which kind of execution a span is, first match wins: the execlens conventions (skill.*,
 * workflow.step.*, workflow.*), then the Vercel AI SDK, then the OpenTelemetry GenAI
 * conventions; db and http client spans count into their execution's performance.
 */
export function roleOf(span: Span): SpanRole {
  if (present(span, "skill.id") || present(span, "skill.name")) return "skill";
  if (present(span, "workflow.step.id") || present(span, "workflow.step.order")) return "step";
  if (
    present(span, "workflow.id") ||
    present(span, "workflow.name") ||
    present(span, "workflow.execution.id")
  ) {
    return "workflow";
  }
  const ai = aiSdkOperation(span);
  if (ai !== undefined) {
    if (ai === "ai.toolCall") return "tool";
    if (AI_SDK_CALLS.has(ai)) return "ai_call";
    if (AI_SDK_MODEL_CALL.test(ai)) return "llm";
  }
  const genAi = genAiOperation(span);
  if (genAi !== undefined) {
    if (genAi === "execute_tool") return "tool";
    if (GEN_AI_AGENT_CALLS.has(genAi)) return "ai_call";
    if (GEN_AI_MODEL_CALLS.has(genAi)) return "llm";
  } else if (
    (present(span, "gen_ai.system") || present(span, "gen_ai.provider.name")) &&
    present(span, "gen_ai.request.model")
  ) {
    // instrumentations from before gen_ai.operation.name: a model request
    return "llm";
  }
  if (isDbQuery(span)) return "db";
  if (
    span.kind === SpanKind.CLIENT &&
    (present(span, "http.request.method") || present(span, "http.method"))
  ) {
    return "http";
  }
  return "other";
}
