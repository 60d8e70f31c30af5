import { aiSdk } from "./ai-sdk.js";
import type { Family } from "./family.js";
import { genAi } from "./genai.js";
import { genkit } from "./genkit.js";
import { googleAdk } from "./google-adk.js";
import { langfuse } from "./langfuse.js";
import { openInference } from "./openinference.js";
import { openlit } from "./openlit.js";
import { openLlmetry } from "./openllmetry.js";
import { pydanticAi } from "./pydantic-ai.js";
import { semanticKernel } from "./semantic-kernel.js";

export { type Recognised, recognise, SpanFacts } from "./engine.js";
export type { Family, FamilyRole } from "./family.js";
export { familyTables } from "./readme.js";
export { finishReasonOf } from "./transforms.js";

/**
 * The instrumentation families, in the order they are asked: a span's role is the first family's
 * that recognises it, and each field is the first family's that has it. Families that build on
 * the GenAI conventions come before them, so that their own reading of a shared attribute wins on
 * their spans; the GenAI conventions come last.
 */
export const FAMILIES: readonly Family[] = [
  aiSdk,
  openInference,
  openLlmetry,
  langfuse,
  genkit,
  googleAdk,
  pydanticAi,
  openlit,
  semanticKernel,
  genAi,
];
