import type { Family } from "./family.js";

const OPERATION = "gen_ai.operation.name";
const DETAILS = "gen_ai.client.inference.operation.details";
/** The older generation's per-message events (on spans, or log records bridged to span events). */
const MESSAGE_EVENTS = [
  "gen_ai.system.message",
  "gen_ai.user.message",
  "gen_ai.assistant.message",
  "gen_ai.tool.message",
];

export const genAi: Family = {
  id: "opentelemetry-genai",
  name: "OpenTelemetry GenAI conventions",
  sentBy:
    "the OpenTelemetry GenAI instrumentations (`@opentelemetry/instrumentation-openai`, `opentelemetry-instrumentation-openai-v2`, …), OpenLLMetry 0.25+, OpenLIT, pydantic-ai, Google ADK, Semantic Kernel, Strands, the AI SDK's GenAI integration; both generations: attributes and `gen_ai.client.inference.operation.details`, and the older per-message events",
  roles: [
    { role: "tool", when: { attribute: OPERATION, equals: ["execute_tool"] } },
    { role: "ai_call", when: { attribute: OPERATION, equals: ["invoke_agent", "invoke_workflow"] } },
    {
      role: "llm",
      when: { attribute: OPERATION, equals: ["chat", "text_completion", "generate_content", "embeddings"] },
    },
    { role: "retrieval", when: { attribute: OPERATION, equals: ["retrieval"] } },
    // instrumentations from before gen_ai.operation.name
    {
      role: "llm",
      when: {
        all: [
          { absent: OPERATION },
          { any: [{ attribute: "gen_ai.system" }, { attribute: "gen_ai.provider.name" }] },
          { attribute: "gen_ai.request.model" },
        ],
      },
    },
    { role: "ai_call", when: { all: [{ absent: OPERATION }, { attribute: "gen_ai.agent.name" }] } },
    { role: "tool", when: { all: [{ absent: OPERATION }, { attribute: "gen_ai.tool.name" }] } },
  ],
  fields: [
    { target: "operation", from: [OPERATION] },
    { target: "workflow_name", from: ["gen_ai.agent.name", "gen_ai.workflow.name"] },
    { target: "initial_input", from: ["gen_ai.input.messages"] },
    { target: "final_output", from: ["gen_ai.output.messages"] },
    { target: "tool_name", from: ["gen_ai.tool.name"] },
    { target: "tool_input", from: ["gen_ai.tool.call.arguments"] },
    { target: "tool_output", from: ["gen_ai.tool.call.result"] },
    { target: "tool_call_id", from: ["gen_ai.tool.call.id"] },
    { target: "provider", from: ["gen_ai.provider.name", "gen_ai.system"] },
    { target: "response_model", from: ["gen_ai.response.model"] },
    { target: "request_model", from: ["gen_ai.request.model"] },
    { target: "input_tokens", from: ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"] },
    { target: "output_tokens", from: ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"] },
    { target: "total_tokens", from: ["gen_ai.usage.total_tokens"] },
    {
      target: "cached_input_tokens",
      from: ["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"],
    },
    {
      target: "cache_write_tokens",
      from: ["gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"],
    },
    {
      target: "reasoning_tokens",
      from: ["gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens"],
    },
    { target: "finish_reason", from: ["gen_ai.response.finish_reasons"], transform: "finishReason" },
    {
      target: "system_instructions",
      from: ["gen_ai.system_instructions", { event: DETAILS, attribute: "gen_ai.system_instructions" }],
      transform: "systemInstructions",
    },
    {
      target: "input_messages",
      from: ["gen_ai.input.messages", { event: DETAILS, attribute: "gen_ai.input.messages" }],
      transform: "messages",
    },
    { target: "input_messages", from: [{ events: MESSAGE_EVENTS }], transform: "messageEvents" },
    {
      target: "input_messages",
      from: [{ event: "gen_ai.content.prompt", attribute: "gen_ai.prompt" }],
      transform: "promptText",
    },
    {
      target: "output_messages",
      from: ["gen_ai.output.messages", { event: DETAILS, attribute: "gen_ai.output.messages" }],
      transform: "answer",
    },
    { target: "output_messages", from: [{ events: ["gen_ai.choice"] }], transform: "choiceEvents" },
    {
      target: "output_messages",
      from: [{ event: "gen_ai.content.completion", attribute: "gen_ai.completion" }],
      transform: "completionText",
    },
    { target: "conversation_id", from: ["gen_ai.conversation.id"] },
  ],
};
