/**
 * `openai` traced by OpenLLMetry (@traceloop/instrumentation-openai), content tracing on (its
 * default), token enrichment on.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@traceloop/instrumentation-openai";
import { requireOpenAI, runOpenAIScenario } from "./openai-scenario.js";
import { familyArgs, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("openllmetry-openai.ts");
const telemetry = startTelemetry({
  serviceName: "openllmetry-openai-app",
  tracesUrl,
  // Built on another @opentelemetry/instrumentation minor: same shape, another declaration.
  instrumentations: [
    new OpenAIInstrumentation({ traceContent: true, enrichTokens: true }) as unknown as Instrumentation,
  ],
});
const openai = requireOpenAI();
const result = await runOpenAIScenario(openai, openaiBaseUrl, runId);
await telemetry.finish(result);
