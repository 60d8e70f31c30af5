/**
 * The scenario the three `openai` instrumentation apps run, once the instrumentation is in place:
 * a chat completion offered the weather tool (the model calls it), the tool run by the app, a
 * second chat completion with the tool result (the model answers), a streaming chat completion
 * with usage, and one embedding.
 */
import { createRequire } from "node:module";
import { getWeather, QUESTION, SYSTEM, WEATHER_TOOL } from "./otel.js";

type OpenAIModule = typeof import("openai");

/**
 * Loads `openai` through require, after `sdk.start()`: the instrumentations patch what require
 * returns (an ESM app would start node with --import @opentelemetry/instrumentation/hook.mjs).
 */
export function requireOpenAI(): OpenAIModule {
  return createRequire(import.meta.url)("openai") as OpenAIModule;
}

export async function runOpenAIScenario(
  module: OpenAIModule,
  baseURL: string,
  runId: string,
): Promise<{ answer: string; streamed: string }> {
  const client = new module.OpenAI({ baseURL, apiKey: "sk-fake-key", maxRetries: 0 });
  const tools = [{ type: "function" as const, function: WEATHER_TOOL }];
  const messages: Parameters<typeof client.chat.completions.create>[0]["messages"] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: QUESTION },
  ];
  const first = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages,
    tools,
    temperature: 0,
    user: `user-${runId}`,
  });
  const assistant = first.choices[0]?.message;
  const call = assistant?.tool_calls?.[0];
  if (assistant === undefined || call === undefined || call.type !== "function") {
    throw new Error("the model did not call the tool");
  }
  const result = getWeather(JSON.parse(call.function.arguments) as { city: string });
  messages.push(assistant, { role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
  const second = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages,
    tools,
    temperature: 0,
    user: `user-${runId}`,
  });
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "And tomorrow, in one sentence?" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  await client.embeddings.create({ model: "text-embedding-3-small", input: "sunny in Paris" });
  return { answer: second.choices[0]?.message.content ?? "", streamed };
}
