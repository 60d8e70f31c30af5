import type { AttributeValue, JsonObject, JsonValue, Span } from "../../model/index.js";
import { payloadToJson, setPath, toJson } from "../json-value.js";
import {
  asArray,
  asObject,
  type Message,
  normaliseMessage,
  normaliseMessages,
  systemMessage,
} from "../messages.js";
import { fromPythonLiteral } from "../python-literal.js";

/**
 * The few things a family's table cannot say: each takes the value its source found (a prefix
 * source gives an object of the attributes under it, by the rest of their key; an events source a
 * list of `{name, attributes}`) and the span, and returns the field's value (undefined: absent).
 */
type Transform = (value: AttributeValue, span: Span, key: string) => JsonValue | undefined;

const str = (value: JsonValue | undefined): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** A prefix source's value (already nested: `{"0": {"message": {…}}}`), or a map with dotted keys, as nested objects. */
function unflatten(flat: AttributeValue): JsonObject {
  const tree: JsonObject = {};
  for (const [key, value] of Object.entries(asObject(toJson(flat)))) setPath(tree, key.split("."), value);
  return tree;
}

/** The values of an object keyed by list index, in index order (some instrumentations write 1 before 0). */
function indexed(value: JsonValue | undefined): JsonValue[] {
  return Object.entries(asObject(value))
    .filter(([key]) => /^\d+$/.test(key))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, v]) => v);
}

const messages = (list: JsonValue[], defaultRole?: string): Message[] | undefined =>
  normaliseMessages(list, defaultRole);

/** GenAI finish reasons and each vendor's names for them, in the GenAI conventions' vocabulary. */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  tool_calls: "tool_call",
  "tool-calls": "tool_call",
  tool_use: "tool_call",
  function_call: "tool_call",
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  "content-filter": "content_filter",
  safety: "content_filter",
  recitation: "content_filter",
};

export function finishReasonOf(value: JsonValue | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  // Semantic Kernel writes str() of a Python enum (`FinishReason.TOOL_CALLS`), comma-joined
  const raw = str(first)?.split(",")[0]?.trim();
  if (raw === undefined) return undefined;
  const name = raw.slice(raw.lastIndexOf(".") + 1).toLowerCase();
  return FINISH_REASONS[name] ?? name;
}

/** Per-message GenAI events (older generation; Semantic Kernel, the contrib OpenAI instrumentation): on the span, or bridged from log records with the body in `body`. */
function eventMessages(value: AttributeValue, choices: boolean): Message[] | undefined {
  const found: Message[] = [];
  for (const event of asArray(toJson(value))) {
    const e = asObject(event);
    const isChoice = e.name === "gen_ai.choice";
    if (isChoice !== choices) continue;
    const attributes = asObject(e.attributes);
    const body = attributes.body !== undefined ? payloadToJson(attributes.body) : attributes;
    const role = str(e.name)?.match(/^gen_ai\.(\w+)\.message$/)?.[1] ?? "assistant";
    const message = normaliseMessage(body, role);
    if (message !== null) found.push(message);
  }
  return found.length > 0 ? found : undefined;
}

/** OpenLIT's (and older conventions') prompt text: `role: content` lines, or JSON messages. */
function textLines(value: AttributeValue, defaultRole: string): Message[] | undefined {
  const parsed = payloadToJson(value);
  if (typeof parsed !== "string") return normaliseMessages(parsed, defaultRole);
  const found: Message[] = [];
  for (const line of parsed.split("\n")) {
    const start = line.match(/^(system|user|assistant|tool|developer|model|function): ?(.*)$/);
    const last = found.at(-1);
    if (start !== null) {
      found.push({ role: start[1] as string, content: start[2] as string });
    } else if (last !== undefined) {
      last.content = `${last.content as string}\n${line}`;
    } else if (line !== "") {
      found.push({ role: defaultRole, content: line });
    }
  }
  return messages(found);
}

/** OpenInference's flattened `llm.*_messages.<i>.message.*` as messages. */
function openInferenceMessages(value: AttributeValue): Message[] | undefined {
  return messages(
    indexed(unflatten(value)).map((item) => {
      const m = asObject(asObject(item).message);
      const contents = indexed(m.contents).map((c) => asObject(c).message_content ?? null);
      return {
        role: m.role ?? null,
        content: m.content ?? (contents.length > 0 ? contents : null),
        tool_call_id: m.tool_call_id ?? null,
        tool_calls: indexed(m.tool_calls).map((t) => asObject(t).tool_call ?? null),
      };
    }),
  );
}

/** OpenLLMetry's flattened `gen_ai.prompt.<i>.*` / `gen_ai.completion.<i>.*` as messages. */
function openLlmetryMessages(value: AttributeValue): Message[] | undefined {
  return messages(
    indexed(unflatten(value)).map((item) => {
      const m = asObject(item);
      return {
        role: m.role ?? "user",
        // an assistant message that only called tools has the content "null"
        content: m.content === "null" ? null : (m.content ?? null),
        tool_call_id: m.tool_call_id ?? null,
        tool_calls: indexed(m.tool_calls).map((t) => {
          const c = asObject(t);
          return { id: c.id ?? null, function: { name: c.name ?? null, arguments: c.arguments ?? null } };
        }),
      };
    }),
  );
}

/** Google ADK's `llm_request`: the system instruction, then the contents. */
function adkRequest(value: AttributeValue): Message[] | undefined {
  const request = asObject(payloadToJson(value));
  const found = [
    ...(systemMessage(asObject(request.config).system_instruction) ?? []),
    ...(normaliseMessages(request.contents) ?? []),
  ];
  return found.length > 0 ? found : undefined;
}

/** The AI SDK's answer: `ai.response.text` and `ai.response.toolCalls` (args / input as text or JSON). */
function aiSdkAnswer(_value: AttributeValue, span: Span): Message[] | undefined {
  const calls = asArray(payloadToJson(span.attributes["ai.response.toolCalls"]));
  const content = span.attributes["ai.response.text"];
  if (span.attributes["ai.prompt.messages"] === undefined && content === undefined && calls.length === 0)
    return undefined;
  const answer: JsonObject = { role: "assistant", content: typeof content === "string" ? content : "" };
  if (calls.length > 0) answer.toolCalls = calls;
  return normaliseMessages(answer);
}

/** OpenLIT's completion text, with the tool call it records on the chat span. */
function openlitCompletion(value: AttributeValue, span: Span): Message[] | undefined {
  const content = typeof value === "string" ? value : "";
  const name = span.attributes["gen_ai.tool.name"];
  const answer: JsonObject = { role: "assistant", content };
  if (typeof name === "string" && name !== "") {
    answer.tool_calls = [
      {
        id: toJson(span.attributes["gen_ai.tool.call.id"]),
        function: { name, arguments: toJson(span.attributes["gen_ai.tool.args"]) },
      },
    ];
  }
  return content === "" && answer.tool_calls === undefined ? undefined : normaliseMessages(answer);
}

/** LangChain's serialised objects (`{lc: 1, kwargs: {content}}`, a tool's `{output: …}`): their content. */
function langchain(value: AttributeValue): JsonValue | undefined {
  const parsed = payloadToJson(value);
  const wrapped = asObject(parsed);
  const inner = asObject(wrapped.output ?? parsed);
  if (inner.lc === 1) {
    const content = asObject(inner.kwargs).content;
    return content === undefined ? null : payloadToJson(content as string);
  }
  return parsed;
}

/** An OpenInference `input.value` / `output.value`: text as it is when its mime type says text/plain. */
function mimeValue(value: AttributeValue, span: Span, key: string): JsonValue | undefined {
  const mime = span.attributes[key.replace(/\.value$/, ".mime_type")];
  return mime === "text/plain" && typeof value === "string" ? value : langchain(value);
}

/** The AI SDK telemetry metadata keys read as ids (see the AI SDK family); the app's other keys are metadata. */
const AI_SDK_ID_KEYS = [
  "companionId",
  "userId",
  "organizationId",
  "sessionId",
  "conversationId",
  "skillId",
  "workflowId",
];

export const TRANSFORMS = {
  /** JSON lists of messages of any shape. */
  messages: (value) => normaliseMessages(payloadToJson(value)),
  /** A message (or list) whose role is the model's unless it says otherwise. */
  answer: (value) => normaliseMessages(payloadToJson(value), "assistant"),
  systemInstructions: (value) => systemMessage(payloadToJson(value)),
  openInferenceMessages,
  openLlmetryMessages,
  promptText: (value) => textLines(value, "user"),
  completionText: (value) => textLines(value, "assistant"),
  openlitCompletion,
  messageEvents: (value) => eventMessages(value, false),
  choiceEvents: (value) => eventMessages(value, true),
  adkRequest,
  aiSdkAnswer,
  /** `ai.operationId`, else the span name's first word when it is an AI SDK one. */
  aiSdkOperation: (value) => {
    const word = typeof value === "string" ? value.split(" ")[0] : undefined;
    return word?.startsWith("ai.") ? word : undefined;
  },
  /** ai.telemetry.metadata.* without the ids execlens reads into columns. */
  aiSdkMetadata: (value) => {
    const metadata = unflatten(value);
    for (const id of AI_SDK_ID_KEYS) delete metadata[id];
    return metadata;
  },
  /** ai.settings.* without its runtime context (ids). */
  aiSdkSettings: (value) => {
    const { context: _ids, ...settings } = unflatten(value);
    return settings;
  },
  finishReason: (value) => finishReasonOf(payloadToJson(value)),
  /** The first completion's finish reason of a flattened list (`gen_ai.completion.0.finish_reason`). */
  firstFinishReason: (value) => finishReasonOf(asObject(indexed(unflatten(value))[0]).finish_reason),
  /** A reported cost of 0 that means "no price known" (OpenLIT). */
  nonZero: (value) => (typeof value === "number" && value > 0 ? value : undefined),
  /** `openai/gpt-4o-mini` → `gpt-4o-mini` (Genkit's model action names). */
  afterSlash: (value) => (typeof value === "string" ? value.slice(value.lastIndexOf("/") + 1) : undefined),
  /** `openai/gpt-4o-mini` → `openai`. */
  beforeSlash: (value) =>
    typeof value === "string" && value.includes("/") ? value.slice(0, value.indexOf("/")) : undefined,
  langchain,
  mimeValue,
  /** str() of a Python dict or list (Semantic Kernel's tool results) as JSON. */
  pythonLiteral: (value) => (typeof value === "string" ? fromPythonLiteral(value) : toJson(value)),
  /** Attributes under a prefix as one object (dotted keys nest). */
  object: (value) => unflatten(value),
  /** How many entries a flattened list has (`retrieval.documents.<i>.…`). */
  count: (value) => indexed(unflatten(value)).length,
  /** A string list, or a JSON text of one. */
  tags: (value) => {
    const parsed = payloadToJson(value);
    return Array.isArray(parsed) ? parsed : typeof parsed === "string" ? [parsed] : undefined;
  },
} satisfies Record<string, Transform>;

export type TransformName = keyof typeof TRANSFORMS;
