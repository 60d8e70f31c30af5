/**
 * Issue #14, acceptance 2 and 3. The Python-only families (pydantic-ai/Logfire, OpenLIT, Google
 * ADK, Semantic Kernel) and the GenAI conventions, from the fixtures written after each project's
 * tests and docs (test/fixtures/families/SOURCES.md), posted to execlens' /v1/traces: the same
 * rows as the npm families. Content sent as log records reaches execlens once the app bridges
 * them onto its spans (the OpenTelemetry event-to-span-event bridge: attributes, body in `body`).
 * And one chat call in OpenInference form and in GenAI form gives identical "LlmCalls" rows.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { describeEachDatabase } from "./helpers/databases.js";
import { type TestExeclens, useExeclens } from "./helpers/execlens.js";
import { FAKE_ANSWER } from "./helpers/fake-openai.js";
import { flattenSpans, type OtlpKeyValue, type OtlpSpan } from "./helpers/families.js";
import { expectFamilyRows } from "./helpers/family-rows.js";
import { llmCallRows, type Row } from "./helpers/rows.js";

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`./fixtures/families/${name}`, import.meta.url), "utf8")) as Json;
const traceIdsOf = (request: Json) => [...new Set(flattenSpans(request).map((s) => s.traceId))];
const spansOf = (request: Json): OtlpSpan[] =>
  (request.resourceSpans as Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>).flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans),
  );

async function post(execlens: TestExeclens, request: Json): Promise<void> {
  const response = await fetch(execlens.tracesUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
}

/** The app's log records put on their spans as span events, as the event-to-span-event bridge does. */
function bridged(traces: Json, logs: Json): Json {
  const copy = structuredClone(traces);
  const spans = new Map(spansOf(copy).map((s) => [s.spanId, s]));
  const records = (logs.resourceLogs as Array<{ scopeLogs: Array<{ logRecords: Json[] }> }>).flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords),
  );
  for (const record of records) {
    const attributes = (record.attributes as OtlpKeyValue[]).filter((a) => a.key !== "event.name");
    const name =
      (record.eventName as string | undefined) ??
      (record.attributes as OtlpKeyValue[]).find((a) => a.key === "event.name")?.value?.stringValue;
    const body =
      record.body === undefined ? [] : [{ key: "body", value: record.body as OtlpKeyValue["value"] }];
    const span = spans.get(record.spanId as string) as OtlpSpan;
    span.events = [
      ...(span.events ?? []),
      {
        name: name as string,
        timeUnixNano: record.timeUnixNano as string,
        attributes: [...attributes, ...body],
      },
    ];
  }
  return copy;
}

/** The spans without the message attributes GenAI instrumentations may put on them (content only in events). */
function withoutMessageAttributes(traces: Json): Json {
  const copy = structuredClone(traces);
  for (const span of spansOf(copy)) {
    span.attributes = span.attributes?.filter(
      (a) => !/^gen_ai\.(input|output)\.messages|system_instructions$/.test(a.key),
    );
  }
  return copy;
}

const PARIS = { city: "Paris" };
const WEATHER = { city: "Paris", forecast: "sunny", temperatureC: 21 };
const SYSTEM = "You are a helpful weather assistant.";
const QUESTION = "What is the weather in Paris?";
const stable = (rows: Row[]) =>
  rows.map(({ trace_id, span_id, llm_id, wkex_id, created_at, ...rest }) => rest);

describeEachDatabase("instrumentation families, Python fixtures", (kind) => {
  const execlens = useExeclens(kind);

  it("pydantic-ai (instrumentation versions 5 and 2): the agent run is the workflow, its reported cost is kept", async () => {
    const request = fixture("pydantic-ai.otlp.json");
    await post(execlens, request);
    const { workflows } = await expectFamilyRows(execlens, traceIdsOf(request), {
      tools: [
        { name: "get_weather", input: PARIS, output: WEATHER },
        { name: "get_weather", input: PARIS, output: WEATHER },
      ],
      requests: 4,
      priced: 4,
      model: /^gpt-4o-mini/,
      costSource: "reported",
      messages: true,
    });
    expect(workflows.map((w) => w.workflowName)).toEqual(["weather_agent", "weather_agent"]);
    // the agent's own usage repeats its requests': counted once
    expect(workflows.map((w) => w.totalTokens)).toEqual([98, 98]);
  });

  it("OpenLIT: the workflow of an OpenAI Agents run; older releases' prompt and completion text and tool call", async () => {
    const request = fixture("openlit.otlp.json");
    await post(execlens, request);
    const [current, legacy] = traceIdsOf(request) as [string, string];
    const expectation = {
      requests: 2,
      priced: 2,
      model: /^gpt-4o-mini/,
      costSource: "reported",
      messages: true,
    } as const;
    await expectFamilyRows(execlens, [current], {
      ...expectation,
      tools: [{ name: "get_weather", input: PARIS, output: WEATHER }],
    });
    // two chat calls without a span around them: two workflows
    const { calls } = await expectFamilyRows(execlens, [legacy], {
      ...expectation,
      workflowsPerTrace: 2,
      tools: [],
    });
    expect(calls.map((c) => c.finishReason).sort()).toEqual(["stop", "tool_call"]);
    expect(JSON.stringify(calls)).toContain('"toolName":"get_weather"');
  });

  it("Google ADK: the agent is the workflow (its invocation continues a remote caller), tool arguments and response", async () => {
    const request = fixture("google-adk.otlp.json");
    await post(execlens, request);
    const { workflows, calls } = await expectFamilyRows(execlens, traceIdsOf(request), {
      tools: [{ name: "get_weather", input: PARIS, output: WEATHER }],
      requests: 2,
      priced: 2,
      model: /^gemini-2\.5-flash$/,
      costSource: "computed",
      messages: true,
    });
    expect(workflows[0]?.workflowName).toBe("weather_agent");
    expect(calls[0]?.messages?.[0]).toMatchObject({
      role: "system",
      content: expect.stringContaining(SYSTEM),
    });
  });

  it("Semantic Kernel: messages come once its log records are bridged onto the spans; a Python dict result is JSON", async () => {
    const request = fixture("semantic-kernel.otlp.json");
    const expectation = {
      tools: [{ name: "WeatherPlugin-get_weather", input: PARIS, output: WEATHER }],
      requests: 2,
      priced: 2,
      model: /^gpt-4o-mini$/,
      costSource: "computed",
    } as const;
    await post(execlens, request);
    await expectFamilyRows(execlens, traceIdsOf(request), { ...expectation, messages: false });
    await post(execlens, bridged(request, fixture("semantic-kernel.otlp-logs.json")));
    const { calls } = await expectFamilyRows(execlens, traceIdsOf(request), {
      ...expectation,
      messages: true,
    });
    expect(calls.map((c) => c.finishReason).sort()).toEqual(["stop", "tool_call"]);
    expect(calls.find((c) => c.finishReason === "stop")?.messages).toEqual([
      { role: "system", content: SYSTEM },
      { role: "user", content: QUESTION },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ toolCallId: "call_weather_1", toolName: "WeatherPlugin-get_weather", input: PARIS }],
      },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_weather_1", output: WEATHER }] },
      { role: "assistant", content: FAKE_ANSWER },
    ]);
  });

  it("GenAI conventions: attributes, or the same content in gen_ai.client.inference.operation.details events", async () => {
    const request = fixture("otel-genai-semconv.otlp.json");
    const expectation = {
      tools: [{ name: "get_weather", input: PARIS, output: WEATHER }],
      requests: 2,
      priced: 2,
      model: /^gpt-4o-mini/,
      costSource: "computed",
      messages: true,
    } as const;
    await post(execlens, request);
    const { workflows } = await expectFamilyRows(execlens, traceIdsOf(request), expectation);
    expect(workflows[0]?.workflowName).toBe("weather-workflow");
    const fromAttributes = await llmCallRows(execlens.database.db, workflows[0]?.wkexId);
    await post(
      execlens,
      bridged(withoutMessageAttributes(request), fixture("otel-genai-semconv.otlp-logs.json")),
    );
    await expectFamilyRows(execlens, traceIdsOf(request), expectation);
    expect(await llmCallRows(execlens.database.db, workflows[0]?.wkexId)).toEqual(fromAttributes);
  });

  it("an OpenInference retriever and guardrail are listed in their workflow's metadata, not skills", async () => {
    const traceId = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
    const span = (
      spanId: string,
      parentSpanId: string | undefined,
      name: string,
      attributes: OtlpKeyValue[],
    ) => ({
      traceId,
      spanId,
      ...(parentSpanId === undefined ? {} : { parentSpanId }),
      name,
      kind: 1,
      flags: 0x100,
      startTimeUnixNano: `17672256${spanId.slice(-2)}000000000`,
      endTimeUnixNano: `17672257${spanId.slice(-2)}000000000`,
      attributes,
      status: { code: 1 },
    });
    await post(execlens, {
      resourceSpans: [
        {
          resource: { attributes: [s("service.name", "rag")] },
          scopeSpans: [
            {
              scope: { name: "openinference.instrumentation.llama_index" },
              spans: [
                span("e5e5e5e5e5e5e501", undefined, "query", [
                  s("openinference.span.kind", "CHAIN"),
                  s("input.value", QUESTION),
                  s("input.mime_type", "text/plain"),
                ]),
                span("e5e5e5e5e5e5e502", "e5e5e5e5e5e5e501", "retrieve", [
                  s("openinference.span.kind", "RETRIEVER"),
                  s("input.value", QUESTION),
                  s("retrieval.documents.0.document.content", "Paris: sunny"),
                  s("retrieval.documents.1.document.content", "Lyon: rain"),
                ]),
                span("e5e5e5e5e5e5e503", "e5e5e5e5e5e5e501", "check", [
                  s("openinference.span.kind", "GUARDRAIL"),
                  s("output.value", "pass"),
                ]),
              ],
            },
          ],
        },
      ],
    });
    const { workflows } = await expectFamilyRows(execlens, [traceId], {
      tools: [],
      requests: 0,
      priced: 0,
      model: /./,
      costSource: "computed",
      messages: false,
    });
    expect(workflows[0]?.attributes.metadata).toMatchObject({
      retrievals: {
        count: 1,
        items: [{ type: "retriever", name: "retrieve", query: QUESTION, documents: 2 }],
      },
      guardrails: { count: 1, items: [{ type: "guardrail", name: "check", output: "pass" }] },
    });
    expect(workflows[0]?.attributes.metadata.performance).toBeUndefined();
  });

  it("one chat call sent as OpenInference and as the GenAI conventions gives identical LlmCalls rows", async () => {
    const [openInference, genAi] = sameChatCall();
    await post(execlens, openInference);
    await post(execlens, genAi);
    const rows = (await llmCallRows(execlens.database.db)).filter((r) =>
      ["a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"].includes(r.trace_id as string),
    );
    expect(rows).toHaveLength(2);
    expect(stable(rows.slice(0, 1))).toEqual(stable(rows.slice(1)));
    expect(rows[0]).toMatchObject({
      operation: "chat",
      provider: "openai",
      model: "gpt-4o-mini",
      total_tokens: 49,
    });
    expect(rows[0]?.messages).toHaveLength(5);
  });
});

const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
const n = (key: string, value: number) => ({ key, value: { intValue: String(value) } });
const chatSpan = (traceId: string, scope: string, attributes: OtlpKeyValue[]): Json => ({
  resourceSpans: [
    {
      resource: { attributes: [s("service.name", "same-call")] },
      scopeSpans: [
        {
          scope: { name: scope },
          spans: [
            {
              traceId,
              spanId: "c3c3c3c3c3c3c3c3",
              name: "chat",
              kind: 3,
              flags: 0x100,
              startTimeUnixNano: "1767225600000000000",
              endTimeUnixNano: "1767225600400000000",
              attributes,
              status: { code: 1 },
            },
          ],
        },
      ],
    },
  ],
});

/** The second request of the weather scenario (the tool's result sent back, the answer received), in both forms. */
function sameChatCall(): [Json, Json] {
  const result = JSON.stringify(WEATHER);
  const message = (i: number, key: string, value: string) =>
    s(`llm.input_messages.${i}.message.${key}`, value);
  const openInference = chatSpan(
    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
    "@arizeai/openinference-instrumentation-openai",
    [
      s("openinference.span.kind", "LLM"),
      s("llm.provider", "openai"),
      s("llm.model_name", "gpt-4o-mini"),
      message(0, "role", "system"),
      message(0, "content", SYSTEM),
      message(1, "role", "user"),
      message(1, "content", QUESTION),
      message(2, "role", "assistant"),
      message(2, "tool_calls.0.tool_call.id", "call_weather_1"),
      message(2, "tool_calls.0.tool_call.function.name", "get_weather"),
      message(2, "tool_calls.0.tool_call.function.arguments", JSON.stringify(PARIS)),
      message(3, "role", "tool"),
      message(3, "content", result),
      message(3, "tool_call_id", "call_weather_1"),
      s("llm.output_messages.0.message.role", "assistant"),
      s("llm.output_messages.0.message.content", FAKE_ANSWER),
      s("llm.finish_reason", "stop"),
      n("llm.token_count.prompt", 42),
      n("llm.token_count.completion", 7),
      n("llm.token_count.total", 49),
    ],
  );
  const genAi = chatSpan("b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "opentelemetry.instrumentation.openai_v2", [
    s("gen_ai.operation.name", "chat"),
    s("gen_ai.provider.name", "openai"),
    s("gen_ai.request.model", "gpt-4o-mini"),
    s("gen_ai.response.model", "gpt-4o-mini"),
    s("gen_ai.system_instructions", JSON.stringify([{ type: "text", content: SYSTEM }])),
    s(
      "gen_ai.input.messages",
      JSON.stringify([
        { role: "user", parts: [{ type: "text", content: QUESTION }] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: PARIS }],
        },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_weather_1", result: WEATHER }] },
      ]),
    ),
    s(
      "gen_ai.output.messages",
      JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: FAKE_ANSWER }], finish_reason: "stop" },
      ]),
    ),
    { key: "gen_ai.response.finish_reasons", value: { arrayValue: { values: [{ stringValue: "stop" }] } } },
    n("gen_ai.usage.input_tokens", 42),
    n("gen_ai.usage.output_tokens", 7),
  ]);
  return [openInference, genAi];
}
