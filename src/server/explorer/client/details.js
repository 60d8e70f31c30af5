// The attributes of one picked span: facts, its error with the stack trace, its input and
// output, a model request's conversation, and everything else as collapsible JSON.
import { conversationView } from "./conversation.js";
import { h } from "./dom.js";
import { formatCost, formatCount, formatDuration, formatTime } from "./format.js";
import { jsonView } from "./json-view.js";
import { facts, statusBadge } from "./widgets.js";

/** @typedef {import("./timeline-model.js").Subject} Subject */
/** @typedef {import("./dom.js").Child} Child */

/** @param {unknown} value */
const record = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? /** @type {Record<string, unknown>} */ (value)
    : {};

/** @param {Array<[string, Child]>} entries */
const factList = (entries) => h("dl", { class: "facts" }, facts(entries));

/**
 * A titled part of the panel; left out when it has nothing to show.
 * @param {string} title
 * @param {Child} content
 */
function part(title, content) {
  if (content === null || content === undefined) return null;
  return h("section", { class: "part" }, h("h3", {}, title), content);
}

/** @param {unknown} value */
const jsonPart = (value) =>
  value === undefined || value === null || (typeof value === "object" && Object.keys(value).length === 0)
    ? null
    : jsonView(value, 2);

/**
 * The error message, and the exception's type and stack trace when the span recorded them
 * (`attributes.metadata.error`).
 * @param {string | null} message
 * @param {Record<string, unknown>} attributes
 */
function errorPart(message, attributes) {
  const error = record(record(attributes.metadata).error);
  const text = message ?? (typeof error.message === "string" ? error.message : null);
  if (text === null && error.stacktrace === undefined) return null;
  return h(
    "section",
    { class: "part error-box", "aria-label": "Error" },
    h("h3", {}, "Error"),
    h("p", {}, typeof error.type === "string" ? h("strong", {}, `${error.type}: `) : null, text ?? ""),
    typeof error.stacktrace === "string"
      ? h(
          "details",
          { open: true },
          h("summary", {}, "Stack trace"),
          h("pre", { class: "stack" }, error.stacktrace),
        )
      : null,
  );
}

/** @param {unknown} messages */
const conversationPart = (messages) =>
  Array.isArray(messages) && messages.length > 0 ? conversationView(messages) : null;

/**
 * @param {Subject} subject
 * @returns {Child[]}
 */
export function detailsOf(subject) {
  switch (subject.kind) {
    case "workflow": {
      const w = subject.source;
      const a = w.attributes;
      return [
        factList([
          ["Status", statusBadge(w.status)],
          ["Started", formatTime(w.startedAt)],
          ["Duration", formatDuration(w.totalDurationMs)],
          ["Error step", w.errorStep],
        ]),
        errorPart(w.errorMessage, a),
        part("Input", jsonPart(a.initial_input)),
        part("Output", jsonPart(a.final_output)),
        part("Conversation", conversationPart(a.ai_sdk_messages)),
        part("All attributes", jsonView(a, 0)),
      ];
    }
    case "step": {
      const s = subject.source;
      const metadata = record(s.attributes.metadata);
      return [
        factList([
          ["Status", statusBadge(s.status)],
          ["Step id", s.stepId],
          ["Order", s.stepOrder],
          ["Started", formatTime(s.startedAt)],
          ["Duration", formatDuration(s.durationMs)],
        ]),
        errorPart(s.errorMessage, s.attributes),
        part("Input", jsonPart(metadata.input)),
        part("Output", jsonPart(metadata.output)),
        part("All attributes", jsonView(s.attributes, 0)),
      ];
    }
    case "skill": {
      const k = subject.source;
      return [
        factList([
          ["Status", statusBadge(k.status)],
          ["Skill", k.skillName],
          ["Started", formatTime(k.startedAt)],
          ["Duration", formatDuration(k.durationMs)],
          ["Step number", k.stepNumber],
          ["Execution id", h("a", { href: `/skill-executions/${k.execId}`, class: "mono" }, k.execId)],
        ]),
        errorPart(k.errorMessage, k.attributes),
        part("Input", jsonPart(k.attributes.input_data)),
        part("Output", jsonPart(k.attributes.output_data)),
        part("All attributes", jsonView(k.attributes, 0)),
      ];
    }
    case "llm": {
      const c = subject.source;
      const { messages, ...call } = c;
      return [
        factList([
          ["Model", c.model],
          ["Provider", c.provider],
          ["Operation", c.operation],
          ["Started", formatTime(c.startedAt)],
          ["Duration", formatDuration(c.durationMs)],
          [
            "Tokens",
            `${formatCount(c.inputTokens)} in (${formatCount(c.cachedInputTokens)} cached) · ${formatCount(c.outputTokens)} out (${formatCount(c.reasoningTokens)} reasoning)`,
          ],
          ["Cost", formatCost(c.costUsd)],
          ["Finish reason", c.finishReason],
        ]),
        errorPart(c.errorMessage, {}),
        part("Conversation", conversationPart(messages)),
        part("All fields", jsonView(call, 0)),
      ];
    }
  }
}
