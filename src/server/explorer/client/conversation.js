// Model request messages (AI SDK style: {role, content, toolCalls?}; content is text or parts)
// drawn as a conversation.
import { h } from "./dom.js";
import { jsonView } from "./json-view.js";

/** @typedef {import("./types.js").Message} Message */

/** @param {unknown} value */
const record = (value) =>
  typeof value === "object" && value !== null ? /** @type {Record<string, unknown>} */ (value) : {};

/**
 * A tool call or its result: the tool's name and its JSON.
 * @param {"call" | "result"} direction
 * @param {unknown} name
 * @param {unknown} payload
 */
function tool(direction, name, payload) {
  return h(
    "div",
    { class: `tool tool-${direction}` },
    h(
      "p",
      { class: "tool-name" },
      direction === "call" ? "Calls " : "Result of ",
      h("code", {}, String(name ?? "a tool")),
    ),
    payload === undefined || payload === null ? null : jsonView(payload, 1),
  );
}

/** @param {unknown} part */
function partView(part) {
  if (typeof part === "string") return h("p", { class: "text" }, part);
  const p = record(part);
  switch (p.type) {
    case "text":
    case "reasoning":
      return h("p", { class: `text ${p.type}` }, String(p.text ?? ""));
    case "tool-call":
      return tool("call", p.toolName, p.input ?? p.args);
    case "tool-result":
      return tool("result", p.toolName ?? p.toolCallId, p.output ?? p.result);
    case "image":
    case "file":
      return h(
        "p",
        { class: "text muted" },
        `[${p.type}${typeof p.mediaType === "string" ? ` ${p.mediaType}` : ""}]`,
      );
    default:
      return jsonView(part, 1);
  }
}

/** @param {Message} message */
function messageView(message) {
  const m = record(message);
  const role = typeof m.role === "string" ? m.role : "unknown";
  const content = m.content;
  const parts = Array.isArray(content) ? content : content === undefined || content === "" ? [] : [content];
  const calls = Array.isArray(m.toolCalls) ? m.toolCalls.map(record) : [];
  return h(
    "li",
    { class: `message role-${role.replace(/[^a-z]/g, "")}` },
    h("p", { class: "role" }, role),
    parts.map(partView),
    calls.map((c) => tool("call", c.toolName, c.input ?? c.args)),
  );
}

/**
 * @param {Message[]} messages
 * @returns {HTMLElement}
 */
export function conversationView(messages) {
  return h(
    "ol",
    { class: "conversation", "aria-label": `${messages.length} messages` },
    messages.map(messageView),
  );
}
