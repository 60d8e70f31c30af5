import type { JsonValue, LlmCallChange, SkillChange, WorkflowChange } from "../model/index.js";
import type { SpanReader } from "./span-reader.js";
import type { Timing } from "./timing.js";
import { mapWorkflow } from "./workflow.js";

/**
 * The workflow execution an AI span is when nothing encloses it: an agent or AI SDK call reads
 * like a workflow span; a lone model request is named by its function (else operation and model)
 * with the prompt as input and the answer as output; a lone tool call by the tool, with its
 * arguments and result.
 */
export function mapAiWorkflow(
  reader: SpanReader,
  timing: Timing,
  own: { readonly llm: LlmCallChange } | { readonly tool: SkillChange } | undefined,
): WorkflowChange {
  const workflow = mapWorkflow(reader, timing);
  if (own === undefined) return workflow;
  const functionId = reader.string("ai.telemetry.functionId", "gen_ai.agent.name");
  if ("llm" in own) {
    const { llm } = own;
    const messages = llm.messages;
    return {
      ...workflow,
      workflowName: functionId ?? [llm.operation, llm.model].filter((p) => p !== null).join(" "),
      attributes: {
        ...workflow.attributes,
        initial_input: messages === null ? (llm.step.input ?? null) : messages.slice(0, -1),
        final_output:
          messages === null ? (llm.step.output ?? null) : ((messages.at(-1) ?? null) as JsonValue),
      },
    };
  }
  const { tool } = own;
  return {
    ...workflow,
    workflowName: tool.skillName,
    attributes: {
      ...workflow.attributes,
      initial_input: tool.attributes.input_data,
      final_output: tool.attributes.output_data,
    },
  };
}
