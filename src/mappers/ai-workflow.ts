import type { JsonValue, LlmCallChange, SkillChange, WorkflowChange } from "../model/index.js";
import type { SpanFacts } from "./conventions/index.js";
import type { SpanReader } from "./span-reader.js";
import type { Timing } from "./timing.js";
import { mapWorkflow } from "./workflow.js";

/**
 * The workflow execution an AI span is when nothing encloses it: an agent, chain or AI SDK call
 * reads like a workflow span; a lone model request is named by its function or agent (else
 * operation and model) with the prompt as input and the answer as output; a lone tool call by the
 * tool, with its arguments and result.
 */
export function mapAiWorkflow(
  reader: SpanReader,
  facts: SpanFacts,
  timing: Timing,
  own: { readonly llm: LlmCallChange } | { readonly tool: SkillChange } | undefined,
): WorkflowChange {
  const workflow = mapWorkflow(reader, facts, timing);
  if (own === undefined) return workflow;
  if ("llm" in own) {
    const { llm } = own;
    const messages = llm.messages;
    return {
      ...workflow,
      workflowName:
        facts.string("workflow_name") ?? [llm.operation, llm.model].filter((p) => p !== null).join(" "),
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
