/**
 * `openai` traced by OpenInference (@arizeai/openinference-instrumentation-openai), with the
 * session and user set through OpenInference's context helpers (@arizeai/openinference-core).
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { setSession, setUser } from "@arizeai/openinference-core";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { context } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { requireOpenAI, runOpenAIScenario } from "./openai-scenario.js";
import { familyArgs, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("openinference-openai.ts");
const telemetry = startTelemetry({
  serviceName: "openinference-openai-app",
  tracesUrl,
  // Built on an older @opentelemetry/instrumentation: same shape, another declaration.
  instrumentations: [new OpenAIInstrumentation() as unknown as Instrumentation],
});
const openai = requireOpenAI();
const scoped = setUser(setSession(context.active(), { sessionId: `session-${runId}` }), {
  userId: `user-${runId}`,
});
const result = await context.with(scoped, () => runOpenAIScenario(openai, openaiBaseUrl, runId));
await telemetry.finish(result);
