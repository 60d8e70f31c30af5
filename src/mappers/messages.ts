import type { JsonObject, JsonValue } from "../model/index.js";
import { fromPythonLiteral } from "./python-literal.js";

/**
 * The one message model every family's messages are normalised into (stored in `"LlmCalls".messages`
 * and a workflow's `ai_sdk_messages`), in the AI SDK's style:
 *
 *   { role: "system" | "user" | "assistant" | "tool",
 *     content: string | [{ type: "tool-result", toolCallId, toolName?, output }],
 *     toolCalls?: [{ toolCallId, toolName, input }] }
 *
 * Text parts are joined into `content`; the model's tool calls are `toolCalls` (arguments parsed
 * when they are JSON text, or a Python dict's str()); tool results are the content of a `tool` message (a result sent in a
 * `user` message, as pydantic-ai does, makes it a `tool` message). Read from: GenAI `parts`
 * (`text`, `tool_call`, `tool_call_response` with `response` or `result`), `{role, content}` with
 * string or array content, OpenAI chat (`tool_calls`, `tool_call_id`), the AI SDK's own parts
 * (`tool-call`, `tool-result`), Anthropic (`tool_use`, `tool_result`), Genkit (`toolRequest`,
 * `toolResponse`, role `model`), Gemini / ADK (`function_call`, `function_response`) and choice
 * wrappers (`{message, finish_reason}`).
 */
export type Message = JsonObject;

const ROLES: Readonly<Record<string, string>> = {
  model: "assistant",
  ai: "assistant",
  human: "user",
  function: "tool",
  developer: "system",
};

export const asObject = (value: JsonValue | undefined): JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
export const asArray = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);
const text = (value: JsonValue | undefined): string | null => (typeof value === "string" ? value : null);
/** Tool arguments and results sent as JSON text (or as str() of a Python dict, as Semantic Kernel does) are stored as JSON. */
const parsed = (value: JsonValue | undefined): JsonValue =>
  value === undefined ? null : typeof value === "string" ? fromPythonLiteral(value) : value;

function toolCall(id: JsonValue | undefined, name: JsonValue | undefined, input: JsonValue | undefined) {
  return { toolCallId: text(id), toolName: text(name), input: parsed(input) } as JsonObject;
}

function toolResult(id: JsonValue | undefined, name: JsonValue | undefined, output: JsonValue | undefined) {
  const result: JsonObject = { type: "tool-result", toolCallId: text(id) };
  if (typeof name === "string") result.toolName = name;
  result.output = parsed(output);
  return result;
}

interface Parts {
  texts: string[];
  calls: JsonObject[];
  results: JsonObject[];
}

/** One content part of any family, added to what the message holds. */
function addPart(parts: Parts, value: JsonValue): void {
  if (typeof value === "string") {
    parts.texts.push(value);
    return;
  }
  const p = asObject(value);
  const request = asObject(p.toolRequest);
  const response = asObject(p.toolResponse);
  const functionCall = asObject(p.function_call ?? p.functionCall);
  const functionResponse = asObject(p.function_response ?? p.functionResponse);
  switch (p.type) {
    case "tool_call":
      parts.calls.push(toolCall(p.id, p.name, p.arguments));
      return;
    case "tool-call":
      parts.calls.push(toolCall(p.toolCallId, p.toolName, p.input ?? p.args));
      return;
    case "tool_use":
      parts.calls.push(toolCall(p.id, p.name, p.input));
      return;
    case "tool_call_response":
      parts.results.push(toolResult(p.id, p.name, p.response ?? p.result));
      return;
    case "tool-result":
      parts.results.push(toolResult(p.toolCallId, p.toolName, p.output ?? p.result));
      return;
    case "tool_result":
      parts.results.push(toolResult(p.tool_use_id, p.name, p.content));
      return;
    case "reasoning":
    case "thinking":
      return;
    default:
      break;
  }
  if (Object.keys(request).length > 0) parts.calls.push(toolCall(request.ref, request.name, request.input));
  else if (Object.keys(response).length > 0)
    parts.results.push(toolResult(response.ref, response.name, response.output));
  else if (Object.keys(functionCall).length > 0)
    parts.calls.push(toolCall(functionCall.id, functionCall.name, functionCall.args));
  else if (Object.keys(functionResponse).length > 0)
    parts.results.push(toolResult(functionResponse.id, functionResponse.name, functionResponse.response));
  else {
    const t = text(p.text) ?? text(p.content);
    if (t !== null) parts.texts.push(t);
  }
}

/** One message of any family in the message model; null when it is not a message. */
export function normaliseMessage(value: JsonValue, defaultRole = "user"): Message | null {
  if (typeof value === "string") return { role: defaultRole, content: value };
  const m = asObject(value);
  if (Object.keys(m).length === 0) return null;
  // a choice ({message, finish_reason, index}) is the model's answer
  if (m.message !== undefined && m.role === undefined && m.parts === undefined && m.content === undefined)
    return normaliseMessage(m.message as JsonValue, "assistant");
  const rawRole = (text(m.role) ?? defaultRole).toLowerCase();
  const parts: Parts = { texts: [], calls: [], results: [] };
  for (const part of asArray(m.parts)) addPart(parts, part);
  const content = m.content;
  if (typeof content === "string") {
    if (rawRole === "tool" || rawRole === "function") {
      parts.results.push(toolResult(m.tool_call_id ?? m.id, m.name, content));
    } else {
      parts.texts.push(content);
    }
  } else if (Array.isArray(content)) {
    for (const part of content) addPart(parts, part);
  }
  for (const call of asArray(m.tool_calls)) {
    const c = asObject(call);
    const fn = asObject(c.function);
    parts.calls.push(toolCall(c.id, fn.name ?? c.name, fn.arguments ?? c.arguments));
  }
  // already in the model (the AI SDK's answer, or a message normalised before)
  for (const call of asArray(m.toolCalls)) {
    const c = asObject(call);
    parts.calls.push(toolCall(c.toolCallId, c.toolName, c.input ?? c.args));
  }
  const role = parts.results.length > 0 && parts.texts.length === 0 ? "tool" : (ROLES[rawRole] ?? rawRole);
  const out: Message = { role, content: parts.results.length > 0 ? parts.results : parts.texts.join("") };
  if (parts.calls.length > 0) out.toolCalls = parts.calls;
  return out;
}

/** A list of messages (or a single one) in the message model; undefined when there is none. */
export function normaliseMessages(value: JsonValue | undefined, defaultRole = "user"): Message[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const messages: Message[] = [];
  for (const item of list) {
    const message = normaliseMessage(item, defaultRole);
    if (message !== null) messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

/**
 * System instructions (GenAI `gen_ai.system_instructions`: parts, or a plain string) as one
 * system message.
 */
export function systemMessage(value: JsonValue | undefined): Message[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parts: Parts = { texts: [], calls: [], results: [] };
  for (const part of Array.isArray(value) ? value : [value]) addPart(parts, part);
  const content = parts.texts.join("\n");
  return content === "" ? undefined : [{ role: "system", content }];
}
