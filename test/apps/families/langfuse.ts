/**
 * Langfuse's OpenTelemetry SDK (@langfuse/tracing) with its LangfuseSpanProcessor (@langfuse/otel)
 * given a plain OTLP exporter to the sink instead of Langfuse's own (the processor is what copies
 * the propagated trace attributes, user, session, tags, onto each span; media upload is off, so it
 * never calls Langfuse). Its observations are ordinary spans of the global tracer provider.
 * An agent observation holds two generations (model, parameters, usage, cost, input/output: the
 * app calls the fake OpenAI server with a plain client) and one tool observation; the user,
 * session, tags, metadata and trace name are set with `propagateAttributes`.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { type LangfuseAgent, propagateAttributes, startActiveObservation } from "@langfuse/tracing";
import OpenAI from "openai";
import { familyArgs, getWeather, QUESTION, SYSTEM, startTelemetry, WEATHER_TOOL } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("langfuse.ts");
const telemetry = startTelemetry({
  serviceName: "langfuse-app",
  tracesUrl,
  spanProcessor: (exporter) =>
    new LangfuseSpanProcessor({
      exporter,
      publicKey: "pk-lf-fake",
      secretKey: "sk-lf-fake",
      baseUrl: "http://127.0.0.1:9",
      mediaUploadEnabled: false,
      environment: "test",
      release: "1.2.3",
    }),
});
const client = new OpenAI({ baseURL: openaiBaseUrl, apiKey: "sk-fake-key", maxRetries: 0 });
const tools = [{ type: "function" as const, function: WEATHER_TOOL }];
/** gpt-4o-mini list prices, USD per token. */
const PRICE = { input: 0.15 / 1e6, output: 0.6 / 1e6 };

type Messages = Parameters<typeof client.chat.completions.create>[0]["messages"];

async function generation(agent: LangfuseAgent, name: string, messages: Messages) {
  const modelParameters = { temperature: 0, tool_choice: "auto" };
  const observation = agent.startObservation(
    name,
    { model: "gpt-4o-mini", modelParameters, input: messages },
    { asType: "generation" },
  );
  const response = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages,
    tools,
    temperature: 0,
  });
  const usage = response.usage;
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  observation
    .update({
      output: response.choices[0]?.message,
      usageDetails: { input, output, total: input + output, cache_read_input_tokens: 0 },
      costDetails: {
        input: input * PRICE.input,
        output: output * PRICE.output,
        total: input * PRICE.input + output * PRICE.output,
      },
      metadata: { finishReason: response.choices[0]?.finish_reason ?? null },
    })
    .end();
  return response.choices[0]?.message;
}

const answer = await propagateAttributes(
  {
    userId: `user-${runId}`,
    sessionId: `session-${runId}`,
    traceName: `weather-workflow-${runId}`,
    tags: ["weather"],
    metadata: { runId },
    version: "1.0.0",
  },
  () =>
    startActiveObservation(
      "weather-agent",
      async (agent) => {
        agent.update({ input: { question: QUESTION } });
        const messages: Messages = [
          { role: "system", content: SYSTEM },
          { role: "user", content: QUESTION },
        ];
        const first = await generation(agent, "plan", messages);
        const call = first?.tool_calls?.[0];
        if (first === undefined || call === undefined || call.type !== "function") {
          throw new Error("the model did not call the tool");
        }
        const args = JSON.parse(call.function.arguments) as { city: string };
        const tool = agent.startObservation("get_weather", { input: args }, { asType: "tool" });
        const result = getWeather(args);
        tool.update({ output: result, metadata: { toolCallId: call.id } }).end();
        messages.push(first, { role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
        const second = await generation(agent, "answer", messages);
        const text = second?.content ?? "";
        agent.update({ output: { answer: text } });
        return text;
      },
      { asType: "agent" },
    ),
);
await telemetry.finish({ answer });
