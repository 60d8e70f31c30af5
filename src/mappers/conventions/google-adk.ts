import type { Family } from "./family.js";

const ADK = "gcp.vertex.agent";
const RESPONSE = `${ADK}.llm_response`;

export const googleAdk: Family = {
  id: "google-adk",
  name: "Google ADK",
  sentBy:
    "Google's Agent Development Kit (`google-adk`); agent and tool spans follow the GenAI conventions, the model span (`call_llm`) has no operation name",
  roles: [
    { role: "llm", when: { all: [{ scope: ADK }, { name: ["call_llm"] }] }, operation: "generate_content" },
  ],
  fields: [
    { target: "tool_input", from: [`${ADK}.tool_call_args`] },
    { target: "tool_output", from: [`${ADK}.tool_response`] },
    { target: "input_messages", from: [`${ADK}.llm_request`], transform: "adkRequest" },
    { target: "output_messages", from: [RESPONSE], path: "content", transform: "answer" },
    { target: "finish_reason", from: [RESPONSE], path: "finish_reason", transform: "finishReason" },
    { target: "input_tokens", from: [RESPONSE], path: "usage_metadata.prompt_token_count" },
    { target: "output_tokens", from: [RESPONSE], path: "usage_metadata.candidates_token_count" },
    { target: "total_tokens", from: [RESPONSE], path: "usage_metadata.total_token_count" },
    { target: "session_id", from: [`${ADK}.session_id`] },
  ],
};
