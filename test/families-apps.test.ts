/**
 * Issue #14, acceptance 1: real instrumentation packages, unchanged, talking to the loopback fake
 * OpenAI server and exporting to execlens (OTLP/HTTP JSON): each family's scenario stores one
 * workflow per trace, a skill per tool call with its input and output, and a "LlmCalls" row per
 * model request with model, tokens, cost and the message text.
 */
import { expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { useExeclens } from "./helpers/execlens.js";
import { FAKE_ANSWER, useFakeOpenAI } from "./helpers/fake-openai.js";
import { type NpmFamily, runFamilyApp } from "./helpers/families.js";
import { expectFamilyRows, type FamilyExpectation } from "./helpers/family-rows.js";

const PARIS = { city: "Paris" };
const WEATHER = { city: "Paris", forecast: "sunny", temperatureC: 21 };
const TOOL = [{ name: "get_weather", input: PARIS, output: WEATHER }];
const MINI = /^gpt-4o-mini/;

/** The `openai` client apps call the model twice (the app runs the tool itself), stream once and embed once, each call a trace. */
const EXPECTED: Partial<Record<NpmFamily, FamilyExpectation>> = {
  // OpenInference records no usage for a streamed chat
  "openinference-openai": {
    tools: [],
    requests: 4,
    priced: 2,
    model: /^(gpt-4o-mini|text-embedding)/,
    costSource: "computed",
    messages: true,
  },
  // OpenLLMetry makes no span for the embedding; it counts a stream's tokens itself
  "openllmetry-openai": {
    tools: [],
    requests: 3,
    priced: 2,
    model: MINI,
    costSource: "computed",
    messages: true,
  },
  // the contrib instrumentation puts content in log records, which execlens does not receive
  "otel-openai": {
    tools: [],
    requests: 4,
    priced: 3,
    model: /^(gpt-4o-mini|text-embedding)/,
    costSource: "computed",
    messages: false,
  },
  "openinference-openai-agents": {
    tools: TOOL,
    requests: 2,
    priced: 2,
    model: MINI,
    costSource: "computed",
    messages: true,
  },
  // LangChain hands its tool the bare argument
  "openinference-langchain": {
    tools: [{ name: "get_weather", input: "Paris", output: WEATHER }],
    requests: 2,
    priced: 2,
    model: MINI,
    costSource: "computed",
    messages: true,
  },
  langfuse: { tools: TOOL, requests: 2, priced: 2, model: MINI, costSource: "reported", messages: true },
  genkit: { tools: TOOL, requests: 2, priced: 2, model: MINI, costSource: "computed", messages: true },
};

describeEachDatabase("instrumentation families, real packages", (kind) => {
  const execlens = useExeclens(kind);
  const openai = useFakeOpenAI();

  it.each(Object.keys(EXPECTED) as NpmFamily[])(
    "%s: a workflow per trace, a skill per tool call, a model request row per call with model, tokens, cost and messages",
    async (family) => {
      const run = await runFamilyApp(family, execlens.otlpHttpUrl, openai.url, `${kind.name}-${family}`);
      const { workflows, calls } = await expectFamilyRows(
        execlens,
        run.traceIds,
        EXPECTED[family] as FamilyExpectation,
      );
      if (family === "langfuse" || family === "genkit" || family.startsWith("openinference-")) {
        // an agent, chain or flow: the workflow holds the conversation of its last request
        const [workflow] = workflows.filter((w) => w.attributes.ai_sdk_messages.length > 0);
        expect(JSON.stringify(workflow?.attributes.ai_sdk_messages.at(-1))).toContain(FAKE_ANSWER);
      }
      if (family === "openinference-openai-agents" || family === "langfuse") {
        expect(workflows[0]?.sessionId).toBe(`session-${kind.name}-${family}`);
      }
      // the model's tool call is read from the messages
      if (EXPECTED[family]?.messages) expect(JSON.stringify(calls)).toContain('"toolName":"get_weather"');
    },
    90_000,
  );
});
