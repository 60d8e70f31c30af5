/**
 * `openai` traced by the last OpenLLMetry release before it moved to the GenAI conventions'
 * `gen_ai.input.messages` / `gen_ai.output.messages` (@traceloop/instrumentation-openai 0.22.5,
 * installed under the alias `traceloop-openai-legacy`): the flattened `gen_ai.prompt.N.*` /
 * `gen_ai.completion.N.*` attributes and `llm.usage.total_tokens` that deployed apps still send.
 * It patches openai 4 and 5 only, so the app uses openai 5 (alias `openai-v5`), instrumented by
 * hand since require hooks match the package name, not the alias.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import * as openaiV5 from "openai-v5";
import { OpenAIInstrumentation } from "traceloop-openai-legacy";
import { runOpenAIScenario } from "./openai-scenario.js";
import { familyArgs, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("openllmetry-openai-legacy.ts");
const instrumentation = new OpenAIInstrumentation({ traceContent: true, enrichTokens: true });
const telemetry = startTelemetry({
  serviceName: "openllmetry-openai-legacy-app",
  tracesUrl,
  // Built on another @opentelemetry/instrumentation minor: same shape, another declaration.
  instrumentations: [instrumentation as unknown as Instrumentation],
});
instrumentation.manuallyInstrument(openaiV5.OpenAI);
// openai 5's client has the same calls the scenario makes; its declarations differ from 6's.
const result = await runOpenAIScenario(
  openaiV5 as unknown as Parameters<typeof runOpenAIScenario>[0],
  openaiBaseUrl,
  runId,
);
await telemetry.finish(result);
