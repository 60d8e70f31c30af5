import type { Family } from "./family.js";

const OPENLIT = { scope: "openlit.otel.tracing" } as const;

export const openlit: Family = {
  id: "openlit",
  name: "OpenLIT",
  sentBy:
    "the `openlit` SDK (Python, TypeScript); its spans follow the GenAI conventions, with the cost it computes and, in releases before 2026, the prompt and completion as text",
  roles: [],
  fields: [
    { target: "cost", from: ["gen_ai.usage.cost"], transform: "nonZero", when: OPENLIT },
    { target: "total_tokens", from: ["gen_ai.client.token.usage"], when: OPENLIT },
    { target: "input_messages", from: ["gen_ai.prompt"], transform: "promptText", when: OPENLIT },
    { target: "output_messages", from: ["gen_ai.completion"], transform: "openlitCompletion", when: OPENLIT },
  ],
};
