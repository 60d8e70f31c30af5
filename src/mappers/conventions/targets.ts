/**
 * The fields a family's attributes map to, with where each lands (the README's "where it lands").
 * The execlens conventions (`skill.*`, `workflow.*`, `user.id`, …) are read before any of them.
 */
export const TARGETS = {
  operation: 'the operation: `"LlmCalls".operation`, `wkex_attributes.metadata.ai.operation`',
  workflow_name: "`wkex_workflow_name` of an AI call",
  initial_input: "`wkex_attributes.initial_input` of an AI call",
  final_output: "`wkex_attributes.final_output` of an AI call",
  execution_config: "`wkex_attributes.execution_config` of an AI call",
  tool_name: "`exec_skill_name` of a tool call",
  tool_input: "`exec_attributes.input_data` of a tool call",
  tool_output: "`exec_attributes.output_data` of a tool call",
  tool_call_id: "`exec_attributes.metadata.toolCallId`",
  provider: "`provider` of a model request",
  response_model: "`model` of a model request (what it is priced by), first",
  request_model: "`model` of a model request when no response model is recorded",
  input_tokens: "`input_tokens` (cached ones included)",
  output_tokens: "`output_tokens` (reasoning included)",
  total_tokens: "`total_tokens` (else input + output)",
  cached_input_tokens: "`cached_input_tokens`, priced as such",
  cache_write_tokens: "`cache_write_tokens`, priced as such",
  reasoning_tokens: "`reasoning_tokens`, priced as such",
  cost: "`cost_usd` as reported, `cost_source` `reported`",
  finish_reason:
    "`finish_reason`, in the GenAI vocabulary (`stop`, `tool_call`, `length`, `content_filter`, `error`)",
  system_instructions: "the system message first in `messages` / `ai_sdk_messages`",
  input_messages: "`messages` / `ai_sdk_messages`: what was sent",
  output_messages: "`messages` / `ai_sdk_messages`: the model's answer",
  request_input: "the step's `input` when no message is recorded",
  response_output: "the step's `output` when no message is recorded",
  user_id: "`user_id` (UUID or UUIDv5)",
  session_id: "`exec_session_id` / `wkex_session_id`",
  conversation_id: "`exec_conversation_id` / `wkex_conversation_id`",
  companion_id: "`companion_id` (UUID or UUIDv5)",
  organization_id: "`organization_id` (UUID or UUIDv5)",
  skill_id: "`skill_id` (UUID or UUIDv5)",
  workflow_id: "`wkfl_id` (UUID or UUIDv5)",
  metadata: "`metadata.*` of the row (merged over the families)",
  tags: "`metadata.tags`",
  query: '`detail.query` of a retrieval, guardrail or evaluation (`"ClientCalls"`)',
  documents: "`detail.documents` (how many) of a retrieval",
  result: "`detail.output` of a retrieval, guardrail or evaluation",
} as const;

export type Target = keyof typeof TARGETS;

/** Fields that may come from the resource as well as from the span itself. */
export const RESOURCE_TARGETS: ReadonlySet<Target> = new Set([
  "user_id",
  "session_id",
  "conversation_id",
  "companion_id",
  "organization_id",
]);

/** Fields every family contributes to (merged objects, lowest precedence first) rather than the first one found. */
export const MERGED_TARGETS: ReadonlySet<Target> = new Set(["metadata", "execution_config"]);
