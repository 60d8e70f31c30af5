/**
 * `openai` traced by the OpenTelemetry contrib instrumentation (@opentelemetry/instrumentation-openai)
 * with message content captured. It puts the GenAI content in log records (events), not on the
 * spans, so the app also exports logs, to the `/v1/logs` beside the traces URL.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { requireOpenAI, runOpenAIScenario } from "./openai-scenario.js";
import { familyArgs, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("otel-openai.ts");
const telemetry = startTelemetry({
  serviceName: "otel-openai-app",
  tracesUrl,
  logs: true,
  instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })],
});
const openai = requireOpenAI();
const result = await runOpenAIScenario(openai, openaiBaseUrl, runId);
await telemetry.finish(result);
