/**
 * `@openai/agents` traced by OpenInference (@arizeai/openinference-instrumentation-openai-agents):
 * not a monkey patch but the Agents SDK's own TracingProcessor, replacing the SDK's default
 * exporter to OpenAI. One agent with a `get_weather` function tool, run on the Responses API (the
 * SDK's default) against the fake server, inside a named trace with a group id, and with the
 * OpenInference session and user set.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { setSession, setUser } from "@arizeai/openinference-core";
import { OpenAIAgentsInstrumentation } from "@arizeai/openinference-instrumentation-openai-agents";
import * as agents from "@openai/agents";
import { context } from "@opentelemetry/api";
import OpenAI from "openai";
import { z } from "zod";
import { familyArgs, getWeather, QUESTION, SYSTEM, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("openinference-openai-agents.ts");
const telemetry = startTelemetry({ serviceName: "openai-agents-app", tracesUrl });
new OpenAIAgentsInstrumentation().manuallyInstrument(agents);
// The Agents SDK turns its tracing off when NODE_ENV=test (as under vitest): turn it back on.
agents.setTracingDisabled(false);
agents.setDefaultOpenAIClient(new OpenAI({ baseURL: openaiBaseUrl, apiKey: "sk-fake-key", maxRetries: 0 }));

const weather = agents.tool({
  name: "get_weather",
  description: "Get the current weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => JSON.stringify(getWeather({ city })),
});
const agent = new agents.Agent({
  name: "Weather agent",
  instructions: SYSTEM,
  model: "gpt-4o-mini",
  tools: [weather],
});

const scoped = setUser(setSession(context.active(), { sessionId: `session-${runId}` }), {
  userId: `user-${runId}`,
});
const answer = await context.with(scoped, () =>
  agents.withTrace(
    `weather-workflow-${runId}`,
    async () => (await agents.run(agent, QUESTION)).finalOutput ?? "",
    { groupId: `conversation-${runId}`, metadata: { runId } },
  ),
);
await telemetry.finish({ answer });
