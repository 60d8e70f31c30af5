import { type JsonObject, type JsonValue, type LlmCallChange, spanExecutionId } from "../model/index.js";
import type { SpanFacts } from "./conventions/index.js";
import { asArray, asObject, type Message } from "./messages.js";
import type { ModelPrice } from "./prices.js";
import { costOf, priceOf } from "./pricing.js";
import type { SpanReader } from "./span-reader.js";
import { spanError } from "./status.js";
import type { Timing } from "./timing.js";
import { tokenUsage } from "./usage.js";

/**
 * The conversation after the request, in the message model: the system instructions (unless the
 * input starts with a system message), what was sent, then the model's answer; null when the
 * span records neither.
 */
function conversation(facts: SpanFacts): Message[] | null {
  const input = facts.messages("input_messages");
  const output = facts.messages("output_messages");
  if (input === undefined && output === undefined) return null;
  const system = input?.[0]?.role === "system" ? [] : (facts.messages("system_instructions") ?? []);
  return [...system, ...(input ?? []), ...(output ?? [])];
}

/** The cost the instrumentation reported, else the one the price table gives; and which it is. */
function cost(
  facts: SpanFacts,
  usage: ReturnType<typeof tokenUsage>,
  price: ModelPrice | undefined,
): Pick<LlmCallChange, "costUsd" | "costSource"> {
  const reported = facts.number("cost");
  if (reported !== null) return { costUsd: reported, costSource: "reported" };
  if (usage === undefined || price === undefined) return { costUsd: null, costSource: null };
  return { costUsd: costOf(usage, price), costSource: "computed" };
}

/** A model request span of any family (AI SDK doGenerate/doStream/doEmbed, GenAI chat, OpenInference LLM…). */
export function mapLlmCall(
  reader: SpanReader,
  facts: SpanFacts,
  timing: Timing,
  prices: readonly ModelPrice[],
): LlmCallChange {
  const span = reader.span;
  const usage = tokenUsage(facts);
  const model = facts.string("response_model") ?? facts.string("request_model");
  const price = model === null ? undefined : priceOf(prices, model, timing.startedAt);
  const finishReason = facts.string("finish_reason");
  const messages = conversation(facts);
  const last = messages?.at(-1);
  // the model's answer: the conversation's last message, when it is the model's
  const answer = last?.role === "assistant" ? asObject(last) : {};
  const prompt =
    messages === null ? [] : last === undefined || answer === last ? messages.slice(0, -1) : messages;
  const toolCalls = asArray(answer.toolCalls);
  const text = typeof answer.content === "string" && answer.content !== "" ? answer.content : null;
  const step: JsonObject = {
    toolName: asObject(toolCalls[0]).toolName ?? null,
    input:
      toolCalls.length > 0
        ? toolCalls.map((c) => asObject(c).input ?? null)
        : (prompt.at(-1) ?? facts.value("request_input") ?? null),
    output: toolCalls.length > 0 ? { toolCalls } : (text ?? facts.value("response_output") ?? null),
    tokens: usage?.total ?? 0,
    duration: timing.durationMs,
    model,
    finishReason,
  };
  return {
    llmId: spanExecutionId(timing.startUnixMs, span.traceId, span.spanId),
    traceId: span.traceId,
    spanId: span.spanId,
    operation: facts.operation() ?? span.name,
    provider: facts.string("provider"),
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
    ...cost(facts, usage, price),
    finishReason,
    errorMessage: spanError(span)?.message ?? null,
    step,
    messages: messages as JsonValue[] | null,
  };
}
