import type { Family } from "./family.js";

/** The AI SDK's top-level calls: a workflow unless nested. */
const CALLS = ["generateText", "streamText", "generateObject", "streamObject", "embed", "embedMany"].map(
  (call) => `ai.${call}`,
);
/** Its model calls: the leaf spans that carry one request's tokens. */
const MODEL_CALLS = [
  ...["generateText", "streamText", "generateObject", "streamObject"].flatMap((call) => [
    `ai.${call}.doGenerate`,
    `ai.${call}.doStream`,
  ]),
  "ai.embed.doEmbed",
  "ai.embedMany.doEmbed",
];
const operationIs = (names: readonly string[]) => ({
  any: [{ attribute: "ai.operationId", equals: names }, { name: names }],
});
/** The ids an app passes in `experimental_telemetry.metadata` (ai 4–7) or ai 7's runtime context. */
const id = (name: string) => [`ai.telemetry.metadata.${name}`, `ai.settings.context.${name}`];

export const aiSdk: Family = {
  id: "vercel-ai-sdk",
  name: "Vercel AI SDK",
  sentBy:
    "`ai` 4, 5, 6 and ai 7's legacy integration (`@ai-sdk/otel` `LegacyOpenTelemetry`; its GenAI integration sends the GenAI conventions)",
  roles: [
    { role: "tool", when: operationIs(["ai.toolCall"]) },
    { role: "ai_call", when: operationIs(CALLS) },
    { role: "llm", when: operationIs(MODEL_CALLS) },
  ],
  fields: [
    { target: "operation", from: ["ai.operationId", { spanName: true }], transform: "aiSdkOperation" },
    { target: "workflow_name", from: ["ai.telemetry.functionId"] },
    { target: "initial_input", from: ["ai.prompt", "ai.values", "ai.value"] },
    { target: "final_output", from: ["ai.response.object", "ai.response.text"] },
    { target: "execution_config", from: [{ prefix: "ai.settings" }], transform: "aiSdkSettings" },
    { target: "tool_name", from: ["ai.toolCall.name"] },
    { target: "tool_input", from: ["ai.toolCall.args", "ai.toolCall.input"] },
    { target: "tool_output", from: ["ai.toolCall.result", "ai.toolCall.output"] },
    { target: "tool_call_id", from: ["ai.toolCall.id"] },
    { target: "provider", from: ["ai.model.provider"] },
    { target: "response_model", from: ["ai.response.model"] },
    { target: "request_model", from: ["ai.model.id"] },
    { target: "input_tokens", from: ["ai.usage.inputTokens", "ai.usage.promptTokens", "ai.usage.tokens"] },
    { target: "output_tokens", from: ["ai.usage.outputTokens", "ai.usage.completionTokens"] },
    { target: "total_tokens", from: ["ai.usage.totalTokens"] },
    {
      target: "cached_input_tokens",
      from: ["ai.usage.inputTokenDetails.cacheReadTokens", "ai.usage.cachedInputTokens"],
    },
    { target: "cache_write_tokens", from: ["ai.usage.inputTokenDetails.cacheWriteTokens"] },
    {
      target: "reasoning_tokens",
      from: ["ai.usage.outputTokenDetails.reasoningTokens", "ai.usage.reasoningTokens"],
    },
    { target: "finish_reason", from: ["ai.response.finishReason"], transform: "finishReason" },
    { target: "input_messages", from: ["ai.prompt.messages"], transform: "messages" },
    {
      target: "output_messages",
      from: ["ai.response.text", "ai.response.toolCalls", "ai.prompt.messages"],
      transform: "aiSdkAnswer",
    },
    { target: "request_input", from: ["ai.prompt", "ai.values"] },
    { target: "response_output", from: ["ai.response.object", "ai.embeddings"] },
    { target: "companion_id", from: id("companionId") },
    { target: "user_id", from: id("userId") },
    { target: "organization_id", from: id("organizationId") },
    { target: "session_id", from: id("sessionId") },
    { target: "conversation_id", from: id("conversationId") },
    { target: "skill_id", from: id("skillId") },
    { target: "workflow_id", from: id("workflowId") },
    { target: "metadata", from: [{ prefix: "ai.telemetry.metadata" }], transform: "aiSdkMetadata" },
  ],
};
