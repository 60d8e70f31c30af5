import { type JsonObject, type JsonValue, type LlmCallChange, spanExecutionId } from "../model/index.js";
import { aiSdkOperation, genAiOperation } from "./conventions.js";
import { payloadToJson } from "./json-value.js";
import type { ModelPrice } from "./prices.js";
import { costOf, priceOf } from "./pricing.js";
import type { SpanReader } from "./span-reader.js";
import { spanError } from "./status.js";
import type { Timing } from "./timing.js";
import { tokenUsage } from "./usage.js";

const asArray = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);
const asObject = (value: JsonValue | undefined): JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};

/** A GenAI `parts` message ({role, parts:[…]}) in AI SDK form ({role, content, toolCalls}). */
function fromGenAiMessage(message: JsonValue): JsonValue {
  const m = asObject(message);
  const parts = asArray(m.parts).map(asObject);
  const text = parts
    .filter((p) => p.type === "text")
    .map((p) => p.content)
    .join("");
  const toolCalls = parts
    .filter((p) => p.type === "tool_call")
    .map((p) => ({ toolCallId: p.id ?? null, toolName: p.name ?? null, input: p.arguments ?? null }));
  const toolResults = parts
    .filter((p) => p.type === "tool_call_response")
    .map((p) => ({ type: "tool-result", toolCallId: p.id ?? null, output: p.response ?? null }));
  const out: JsonObject = { role: m.role ?? null, content: toolResults.length > 0 ? toolResults : text };
  if (toolCalls.length > 0) out.toolCalls = toolCalls;
  return out;
}

interface ToolCall {
  toolCallId: JsonValue;
  toolName: JsonValue;
  input: JsonValue;
}

/** The tool calls the model asked for, from `ai.response.toolCalls` (args / input, as text or JSON). */
function aiSdkToolCalls(reader: SpanReader): ToolCall[] {
  return asArray(reader.payload("ai.response.toolCalls")).map((call) => {
    const c = asObject(call);
    const input = c.input ?? c.args ?? null;
    return {
      toolCallId: c.toolCallId ?? null,
      toolName: c.toolName ?? null,
      input: typeof input === "string" ? payloadToJson(input) : input,
    };
  });
}

/** The conversation after the request: what was sent, then the model's answer. */
function conversation(reader: SpanReader, toolCalls: ToolCall[]): JsonValue[] | null {
  const aiSdkPrompt = reader.payload("ai.prompt.messages");
  if (Array.isArray(aiSdkPrompt)) {
    const answer: JsonObject = { role: "assistant", content: reader.string("ai.response.text") ?? "" };
    if (toolCalls.length > 0) answer.toolCalls = toolCalls as unknown as JsonValue;
    return [...aiSdkPrompt, answer];
  }
  const input = reader.payload("gen_ai.input.messages");
  if (!Array.isArray(input)) return null;
  const system = reader.payload("gen_ai.system_instructions");
  const systemMessages = Array.isArray(system)
    ? [{ role: "system", content: system.map((p) => asObject(p).content ?? "").join("\n") }]
    : [];
  const output = asArray(reader.payload("gen_ai.output.messages"));
  return [...systemMessages, ...input.map(fromGenAiMessage), ...output.map(fromGenAiMessage)];
}

/** A model request span (AI SDK doGenerate/doStream/doEmbed, GenAI chat and the like). */
export function mapLlmCall(reader: SpanReader, timing: Timing, prices: readonly ModelPrice[]): LlmCallChange {
  const span = reader.span;
  const usage = tokenUsage(reader);
  const model = reader.string(
    "ai.response.model",
    "gen_ai.response.model",
    "ai.model.id",
    "gen_ai.request.model",
  );
  const price = model === null ? undefined : priceOf(prices, model, timing.startedAt);
  const finishReasons = reader.raw("gen_ai.response.finish_reasons");
  const finishReason =
    reader.string("ai.response.finishReason") ??
    (Array.isArray(finishReasons) && typeof finishReasons[0] === "string" ? finishReasons[0] : null);
  const aiSdkCalls = aiSdkToolCalls(reader);
  const messages = conversation(reader, aiSdkCalls);
  const prompt = messages === null ? [] : messages.slice(0, -1);
  // the model's answer: the conversation's last message
  const answer = asObject(messages?.[messages.length - 1]);
  const toolCalls = aiSdkCalls.length > 0 ? aiSdkCalls : (asArray(answer.toolCalls) as unknown as ToolCall[]);
  const text =
    reader.string("ai.response.text") ?? (typeof answer.content === "string" ? answer.content : null);
  const step: JsonObject = {
    toolName: (toolCalls[0]?.toolName as JsonValue) ?? null,
    input:
      toolCalls.length > 0
        ? (toolCalls.map((c) => c.input) as JsonValue)
        : (prompt[prompt.length - 1] ?? reader.payload("ai.prompt", "ai.values") ?? null),
    output:
      toolCalls.length > 0
        ? ({ toolCalls } as unknown as JsonValue)
        : (text ?? reader.payload("ai.response.object", "ai.embeddings") ?? null),
    tokens: usage?.total ?? 0,
    duration: timing.durationMs,
    model,
    finishReason,
  };
  return {
    llmId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    traceId: span.traceId,
    spanId: span.spanId,
    operation: aiSdkOperation(span) ?? genAiOperation(span) ?? span.name,
    provider: reader.string("ai.model.provider", "gen_ai.provider.name", "gen_ai.system"),
    model,
    startedAt: timing.startedAt,
    completedAt: timing.completedAt,
    durationMs: timing.durationMs,
    inputTokens: usage?.input ?? 0,
    outputTokens: usage?.output ?? 0,
    cachedInputTokens: usage?.cachedInput ?? 0,
    cacheWriteTokens: usage?.cacheWrite ?? 0,
    reasoningTokens: usage?.reasoning ?? 0,
    totalTokens: usage?.total ?? 0,
    costUsd: usage === undefined || price === undefined ? null : costOf(usage, price),
    finishReason,
    errorMessage: spanError(span)?.message ?? null,
    step,
    messages,
  };
}
