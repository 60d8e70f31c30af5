import type { Family } from "./family.js";

const PYDANTIC_AI = { scope: "pydantic-ai" } as const;

export const pydanticAi: Family = {
  id: "pydantic-ai",
  name: "pydantic-ai / Logfire",
  sentBy:
    "pydantic-ai's instrumentation (`Agent(instrument=True)`, `logfire.instrument_pydantic_ai()`), instrumentation versions 2 to 5; its model and tool spans follow the GenAI conventions",
  roles: [
    { role: "ai_call", when: { all: [PYDANTIC_AI, { attribute: "agent_name" }] }, operation: "invoke_agent" },
    {
      role: "tool",
      when: { all: [PYDANTIC_AI, { attribute: "tool_arguments" }] },
      operation: "execute_tool",
    },
  ],
  fields: [
    { target: "workflow_name", from: ["agent_name"], roles: ["ai_call"] },
    { target: "request_model", from: ["model_name"], roles: ["ai_call"] },
    { target: "final_output", from: ["final_result"], roles: ["ai_call"] },
    { target: "tool_input", from: ["tool_arguments"] },
    { target: "tool_output", from: ["tool_response"] },
    { target: "cost", from: ["operation.cost"] },
    { target: "user_id", from: ["metadata"], path: "user_id", when: PYDANTIC_AI },
    { target: "session_id", from: ["metadata"], path: "session_id", when: PYDANTIC_AI },
    { target: "metadata", from: ["metadata"], when: PYDANTIC_AI },
  ],
};
