import type { Family } from "./family.js";

const SUBTYPE = "genkit:metadata:subtype";
const subtype = (...values: string[]) => ({ attribute: SUBTYPE, equals: values });

export const genkit: Family = {
  id: "genkit",
  name: "Genkit",
  sentBy:
    "Firebase Genkit (`genkit`, tracer `genkit-tracer`), its spans exported through the app's OpenTelemetry SDK; the `generate` helper spans around each tool-loop turn are not requests (they repeat the usage)",
  roles: [
    { role: "ai_call", when: subtype("flow"), operation: "flow" },
    { role: "llm", when: subtype("model"), operation: "chat" },
    { role: "llm", when: subtype("embedder"), operation: "embeddings" },
    { role: "tool", when: subtype("tool"), operation: "tool" },
    { role: "retrieval", when: subtype("retriever"), operation: "retriever" },
    { role: "evaluation", when: subtype("evaluator"), operation: "evaluator" },
  ],
  fields: [
    { target: "workflow_name", from: ["genkit:name"], roles: ["ai_call"] },
    { target: "initial_input", from: ["genkit:input"], roles: ["ai_call"] },
    { target: "final_output", from: ["genkit:output"], roles: ["ai_call"] },
    { target: "tool_name", from: ["genkit:name"], roles: ["tool"] },
    { target: "tool_input", from: ["genkit:input"], roles: ["tool"] },
    { target: "tool_output", from: ["genkit:output"], roles: ["tool"] },
    { target: "provider", from: ["genkit:name"], roles: ["llm"], transform: "beforeSlash" },
    { target: "request_model", from: ["genkit:name"], roles: ["llm"], transform: "afterSlash" },
    { target: "input_tokens", from: ["genkit:output"], path: "usage.inputTokens" },
    { target: "output_tokens", from: ["genkit:output"], path: "usage.outputTokens" },
    { target: "total_tokens", from: ["genkit:output"], path: "usage.totalTokens" },
    { target: "cached_input_tokens", from: ["genkit:output"], path: "usage.cachedContentTokens" },
    { target: "reasoning_tokens", from: ["genkit:output"], path: "usage.thoughtsTokens" },
    { target: "finish_reason", from: ["genkit:output"], path: "finishReason", transform: "finishReason" },
    { target: "input_messages", from: ["genkit:input"], path: "messages", transform: "messages" },
    { target: "output_messages", from: ["genkit:output"], path: "message", transform: "answer" },
    { target: "session_id", from: ["genkit:sessionId"] },
    { target: "query", from: ["genkit:input"], roles: ["retrieval", "evaluation"] },
    { target: "result", from: ["genkit:output"], roles: ["retrieval", "evaluation"] },
  ],
};
