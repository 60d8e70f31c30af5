import type { Family } from "./family.js";

const KIND = "openinference.span.kind";
const kind = (...kinds: string[]) => ({ attribute: KIND, equals: kinds });
const value = { transform: "mimeValue" } as const;

export const openInference: Family = {
  id: "openinference",
  name: "OpenInference",
  sentBy:
    "Arize's instrumentations (`@arizeai/openinference-instrumentation-*`: OpenAI, OpenAI Agents, LangChain, LlamaIndex, Bedrock, MCP, …; the Python ones for CrewAI, DSPy, Mastra's exporter), as Phoenix users send them",
  roles: [
    { role: "llm", when: kind("LLM"), operation: "chat" },
    { role: "llm", when: kind("EMBEDDING"), operation: "embeddings" },
    { role: "tool", when: kind("TOOL"), operation: "tool" },
    { role: "ai_call", when: kind("AGENT"), operation: "agent" },
    { role: "ai_call", when: kind("CHAIN"), operation: "chain" },
    { role: "retrieval", when: kind("RETRIEVER"), operation: "retriever" },
    { role: "retrieval", when: kind("RERANKER"), operation: "reranker" },
    { role: "guardrail", when: kind("GUARDRAIL"), operation: "guardrail" },
    { role: "evaluation", when: kind("EVALUATOR"), operation: "evaluator" },
  ],
  fields: [
    { target: "initial_input", from: ["input.value"], roles: ["ai_call"], ...value },
    { target: "final_output", from: ["output.value"], roles: ["ai_call"], ...value },
    { target: "tool_name", from: ["tool.name"] },
    { target: "tool_input", from: ["input.value"], roles: ["tool"], ...value },
    { target: "tool_output", from: ["output.value"], roles: ["tool"], transform: "langchain" },
    { target: "tool_call_id", from: ["tool_call.id"] },
    { target: "provider", from: ["llm.provider", "llm.system"] },
    { target: "provider", from: ["metadata"], path: "ls_provider" },
    { target: "response_model", from: ["llm.model_name", "embedding.model_name"] },
    { target: "input_tokens", from: ["llm.token_count.prompt"] },
    { target: "output_tokens", from: ["llm.token_count.completion"] },
    { target: "total_tokens", from: ["llm.token_count.total"] },
    { target: "cached_input_tokens", from: ["llm.token_count.prompt_details.cache_read"] },
    { target: "cache_write_tokens", from: ["llm.token_count.prompt_details.cache_write"] },
    { target: "reasoning_tokens", from: ["llm.token_count.completion_details.reasoning"] },
    { target: "cost", from: ["llm.cost.total"] },
    { target: "finish_reason", from: ["llm.finish_reason"], transform: "finishReason" },
    {
      target: "input_messages",
      from: [{ prefix: "llm.input_messages" }],
      transform: "openInferenceMessages",
    },
    {
      target: "output_messages",
      from: [{ prefix: "llm.output_messages" }],
      transform: "openInferenceMessages",
    },
    { target: "request_input", from: ["input.value"], roles: ["llm"], ...value },
    { target: "response_output", from: ["output.value"], roles: ["llm"], ...value },
    { target: "user_id", from: ["metadata"], path: "user_id" },
    { target: "session_id", from: ["metadata"], path: "session_id" },
    { target: "session_id", from: ["metadata"], path: "thread_id" },
    { target: "conversation_id", from: ["metadata"], path: "conversation_id" },
    { target: "metadata", from: ["metadata"] },
    { target: "tags", from: ["tag.tags"], transform: "tags" },
    { target: "query", from: ["input.value"], roles: ["retrieval", "guardrail", "evaluation"], ...value },
    { target: "documents", from: [{ prefix: "retrieval.documents" }], transform: "count" },
    { target: "documents", from: [{ prefix: "reranker.output_documents" }], transform: "count" },
    { target: "result", from: ["output.value"], roles: ["retrieval", "guardrail", "evaluation"], ...value },
  ],
};
