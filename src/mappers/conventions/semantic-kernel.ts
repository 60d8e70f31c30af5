import type { Family } from "./family.js";

const KERNEL_FUNCTION = { scope: "semantic_kernel.functions.kernel_function" } as const;

export const semanticKernel: Family = {
  id: "semantic-kernel",
  name: "Semantic Kernel",
  sentBy:
    "Microsoft Semantic Kernel (Python and .NET) with its GenAI diagnostics on (`SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS(_SENSITIVE)`); its spans follow the GenAI conventions, its messages are log records (see below)",
  roles: [],
  fields: [
    { target: "finish_reason", from: ["gen_ai.response.finish_reason"], transform: "finishReason" },
    {
      target: "tool_output",
      from: ["gen_ai.tool.call.result"],
      transform: "pythonLiteral",
      when: KERNEL_FUNCTION,
    },
  ],
};
