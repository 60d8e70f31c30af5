/**
 * LangChain.js (@langchain/openai ChatOpenAI bound to a tool) traced by OpenInference
 * (@arizeai/openinference-instrumentation-langchain, which hooks LangChain's callback manager).
 * One chain: the model asks for `get_weather`, the tool runs, the model answers. The chain's
 * metadata carries a `session_id` (OpenInference reads it as `session.id`) and a `user_id`.
 *
 * argv: <otlp traces url> <openai base url> <run id>
 */
import { LangChainInstrumentation } from "@arizeai/openinference-instrumentation-langchain";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { familyArgs, getWeather, QUESTION, SYSTEM, startTelemetry } from "./otel.js";

const { tracesUrl, openaiBaseUrl, runId } = familyArgs("openinference-langchain.ts");
const telemetry = startTelemetry({ serviceName: "langchain-app", tracesUrl });
new LangChainInstrumentation().manuallyInstrument(CallbackManagerModule);

const weather = tool(async ({ city }) => JSON.stringify(getWeather({ city })), {
  name: "get_weather",
  description: "Get the current weather for a city",
  schema: z.object({ city: z.string().describe("The city") }),
});
const model = new ChatOpenAI({
  model: "gpt-4o-mini",
  temperature: 0,
  apiKey: "sk-fake-key",
  maxRetries: 0,
  configuration: { baseURL: openaiBaseUrl },
}).bindTools([weather]);

// The lambda passes its config on, so the model and tool runs are children of the chain run.
const chain = RunnableLambda.from(async (question: string, config) => {
  const messages: BaseMessage[] = [new SystemMessage(SYSTEM), new HumanMessage(question)];
  const ai = await model.invoke(messages, config);
  messages.push(ai);
  for (const call of ai.tool_calls ?? []) messages.push(await weather.invoke(call, config));
  const final = await model.invoke(messages, config);
  return typeof final.content === "string" ? final.content : JSON.stringify(final.content);
}).withConfig({ runName: "weather_chain" });

const answer = await chain.invoke(QUESTION, {
  metadata: { session_id: `session-${runId}`, user_id: `user-${runId}` },
  tags: ["weather"],
});
await telemetry.finish({ answer });
