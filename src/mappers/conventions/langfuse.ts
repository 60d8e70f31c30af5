import type { Family } from "./family.js";

const TYPE = "langfuse.observation.type";
const type = (...types: string[]) => ({ attribute: TYPE, equals: types });
const OBSERVATION = "langfuse.observation";
const USAGE = `${OBSERVATION}.usage_details`;

export const langfuse: Family = {
  id: "langfuse",
  name: "Langfuse OTel SDK",
  sentBy:
    "Langfuse's OpenTelemetry-based SDKs (`@langfuse/tracing` with `@langfuse/otel`, `langfuse` for Python 3+): observations of a type are spans; the `LangfuseSpanProcessor` copies the trace's attributes (user, session, tags, name) onto each span",
  roles: [
    { role: "llm", when: type("generation"), operation: "chat" },
    { role: "llm", when: type("embedding"), operation: "embeddings" },
    { role: "tool", when: type("tool"), operation: "tool" },
    { role: "ai_call", when: type("agent"), operation: "agent" },
    { role: "ai_call", when: type("chain"), operation: "chain" },
    { role: "retrieval", when: type("retriever"), operation: "retriever" },
    { role: "guardrail", when: type("guardrail"), operation: "guardrail" },
    { role: "evaluation", when: type("evaluator"), operation: "evaluator" },
  ],
  fields: [
    { target: "workflow_name", from: ["langfuse.trace.name"], roles: ["ai_call"] },
    { target: "initial_input", from: [`${OBSERVATION}.input`, "langfuse.trace.input"], roles: ["ai_call"] },
    { target: "final_output", from: [`${OBSERVATION}.output`, "langfuse.trace.output"], roles: ["ai_call"] },
    { target: "tool_input", from: [`${OBSERVATION}.input`], roles: ["tool"] },
    { target: "tool_output", from: [`${OBSERVATION}.output`], roles: ["tool"] },
    { target: "execution_config", from: [`${OBSERVATION}.model.parameters`], roles: ["ai_call"] },
    { target: "request_model", from: [`${OBSERVATION}.model.name`] },
    { target: "input_tokens", from: [USAGE], path: "input" },
    { target: "input_tokens", from: [USAGE], path: "prompt_tokens" },
    { target: "output_tokens", from: [USAGE], path: "output" },
    { target: "output_tokens", from: [USAGE], path: "completion_tokens" },
    { target: "total_tokens", from: [USAGE], path: "total" },
    { target: "cached_input_tokens", from: [USAGE], path: "cache_read_input_tokens" },
    { target: "cost", from: [`${OBSERVATION}.cost_details`], path: "total" },
    { target: "input_messages", from: [`${OBSERVATION}.input`], roles: ["llm"], transform: "messages" },
    { target: "output_messages", from: [`${OBSERVATION}.output`], roles: ["llm"], transform: "answer" },
    { target: "user_id", from: ["langfuse.user.id"] },
    { target: "session_id", from: ["langfuse.session.id"] },
    { target: "metadata", from: [{ prefix: `${OBSERVATION}.metadata` }], transform: "object" },
    { target: "metadata", from: [{ prefix: "langfuse.trace.metadata" }], transform: "object" },
    { target: "tags", from: ["langfuse.trace.tags"], transform: "tags" },
    { target: "query", from: [`${OBSERVATION}.input`], roles: ["retrieval", "guardrail", "evaluation"] },
    { target: "result", from: [`${OBSERVATION}.output`], roles: ["retrieval", "guardrail", "evaluation"] },
  ],
};
