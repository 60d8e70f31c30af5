import type { Family } from "./family.js";

const KIND = "traceloop.span.kind";
const ENTITY = "traceloop.entity";
const ASSOCIATION = "traceloop.association.properties";

export const openLlmetry: Family = {
  id: "openllmetry",
  name: "OpenLLMetry (Traceloop)",
  sentBy:
    "Traceloop's SDKs and instrumentations (`@traceloop/node-server-sdk`, `@traceloop/instrumentation-*` before 0.25, `traceloop-sdk`); from 0.25 its model spans follow the GenAI conventions",
  roles: [
    { role: "ai_call", when: { attribute: KIND, equals: ["workflow"] }, operation: "workflow" },
    { role: "ai_call", when: { attribute: KIND, equals: ["agent"] }, operation: "agent" },
    { role: "ai_call", when: { attribute: KIND, equals: ["task"] }, operation: "task" },
    { role: "tool", when: { attribute: KIND, equals: ["tool"] }, operation: "tool" },
    { role: "llm", when: { attribute: "llm.request.type", equals: ["chat", "completion", "embedding"] } },
  ],
  fields: [
    { target: "operation", from: ["llm.request.type"] },
    { target: "workflow_name", from: [`${ENTITY}.name`, "traceloop.workflow.name"], roles: ["ai_call"] },
    { target: "initial_input", from: [`${ENTITY}.input`], roles: ["ai_call"] },
    { target: "final_output", from: [`${ENTITY}.output`], roles: ["ai_call"] },
    { target: "tool_name", from: [`${ENTITY}.name`], roles: ["tool"] },
    { target: "tool_input", from: [`${ENTITY}.input`], roles: ["tool"] },
    { target: "tool_output", from: [`${ENTITY}.output`], roles: ["tool"] },
    { target: "input_tokens", from: ["llm.usage.prompt_tokens"] },
    { target: "output_tokens", from: ["llm.usage.completion_tokens"] },
    { target: "total_tokens", from: ["llm.usage.total_tokens"] },
    { target: "finish_reason", from: [{ prefix: "gen_ai.completion" }], transform: "firstFinishReason" },
    { target: "input_messages", from: [{ prefix: "gen_ai.prompt" }], transform: "openLlmetryMessages" },
    { target: "output_messages", from: [{ prefix: "gen_ai.completion" }], transform: "openLlmetryMessages" },
    { target: "user_id", from: [`${ASSOCIATION}.user_id`, `${ASSOCIATION}.userId`] },
    { target: "session_id", from: [`${ASSOCIATION}.session_id`, `${ASSOCIATION}.sessionId`] },
    { target: "metadata", from: [{ prefix: ASSOCIATION }], transform: "object" },
  ],
};
