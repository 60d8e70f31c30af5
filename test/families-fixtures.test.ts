/**
 * Guards the instrumentation-family apps and fixtures (test/apps/families, test/fixtures/families):
 * each npm family's app, run against the fake OpenAI server and a loopback OTLP sink, still
 * produces the spans its family is known for, and so does each committed fixture file, captured or
 * hand-written. When a package update changes what a family emits, this fails before the mappers do.
 */
import { readdirSync, readFileSync } from "node:fs";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { FAKE_ANSWER, useFakeOpenAI } from "./helpers/fake-openai.js";
import {
  attributes,
  FAMILY_APPS,
  type FlatSpan,
  flattenSpans,
  mergeLogs,
  mergeTraces,
  type NpmFamily,
  type OtlpKeyValue,
  runFamilyApp,
} from "./helpers/families.js";
import { OtlpSink } from "./helpers/otlp-sink.js";

const fixturesDir = new URL("./fixtures/families/", import.meta.url);

interface LogRecordView {
  readonly eventName: string;
  readonly spanId: string;
  readonly attrs: Record<string, unknown>;
  readonly body: unknown;
}

function flattenLogs(request: unknown): LogRecordView[] {
  const resourceLogs = (request as { resourceLogs?: unknown[] }).resourceLogs ?? [];
  return resourceLogs.flatMap((rl) =>
    ((rl as { scopeLogs?: Array<{ logRecords?: unknown[] }> }).scopeLogs ?? []).flatMap((sl) =>
      (sl.logRecords ?? []).map((record) => {
        const r = record as {
          eventName?: string;
          spanId?: string;
          attributes?: OtlpKeyValue[];
          body?: OtlpKeyValue["value"];
        };
        const attrs = attributes(r.attributes);
        return {
          eventName: r.eventName ?? String(attrs["event.name"] ?? ""),
          spanId: r.spanId ?? "",
          attrs,
          body: r.body === undefined ? undefined : attributes([{ key: "body", value: r.body }]).body,
        };
      }),
    ),
  );
}

// ---- what each family is known to produce ----

const num = (value: unknown) => Number(value);
const json = (value: unknown): unknown => JSON.parse(String(value));
const where = (spans: FlatSpan[], key: string, value: unknown) => spans.filter((s) => s.attrs[key] === value);
const one = (spans: FlatSpan[], key: string, value: unknown): FlatSpan => {
  const found = where(spans, key, value);
  expect(found.length, `a span with ${key}=${String(value)}`).toBeGreaterThan(0);
  return found[0] as FlatSpan;
};
const traces = (spans: FlatSpan[]) => new Set(spans.map((s) => s.traceId)).size;
/** Every span's parent is in the file, or the span is a root or says its parent is remote. */
function expectTree(spans: FlatSpan[]): void {
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    if (s.parentSpanId === undefined || s.parentSpanId === "") continue;
    const remote = ((s.flags ?? 0) & 0x200) !== 0;
    expect(ids.has(s.parentSpanId) || remote, `parent of ${s.name}`).toBe(true);
  }
}

type Check = (spans: FlatSpan[], logs: LogRecordView[]) => void;

const OPENINFERENCE_LLM: Check = (spans) => {
  const llm = where(spans, "openinference.span.kind", "LLM");
  expect(llm.length).toBeGreaterThanOrEqual(2);
  expect(llm.every((s) => s.attrs["llm.model_name"] === "gpt-4o-mini")).toBe(true);
  expect(llm.some((s) => num(s.attrs["llm.token_count.prompt"]) === 42)).toBe(true);
  expect(
    llm.some(
      (s) => s.attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.name"] === "get_weather",
    ),
  ).toBe(true);
};

const CHECKS: Record<string, Check> = {
  "openinference-openai": (spans) => {
    OPENINFERENCE_LLM(spans, []);
    one(spans, "openinference.span.kind", "EMBEDDING");
    expect(spans.every((s) => String(s.attrs["session.id"]).startsWith("session-"))).toBe(true);
    expect(spans.every((s) => String(s.attrs["user.id"]).startsWith("user-"))).toBe(true);
    const streamed = spans.find((s) => String(s.attrs["input.value"]).includes('"stream":true'));
    expect(streamed?.attrs["llm.output_messages.0.message.content"]).toBe(FAKE_ANSWER);
  },
  "openllmetry-openai": (spans) => {
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(chats).toHaveLength(3);
    expect(num(chats[0]?.attrs["gen_ai.usage.input_tokens"])).toBe(42);
    const output = json(chats[0]?.attrs["gen_ai.output.messages"]) as Array<{
      parts: Array<{ name?: string }>;
    }>;
    expect(output[0]?.parts[0]?.name).toBe("get_weather");
  },
  "openllmetry-openai-legacy": (spans) => {
    const chats = where(spans, "llm.request.type", "chat");
    expect(chats).toHaveLength(3);
    expect(chats[0]?.attrs["gen_ai.prompt.0.role"]).toBe("system");
    expect(chats[0]?.attrs["gen_ai.completion.0.tool_calls.0.name"]).toBe("get_weather");
    expect(num(chats[0]?.attrs["gen_ai.usage.prompt_tokens"])).toBe(42);
    expect(chats[1]?.attrs["gen_ai.completion.0.content"]).toBe(FAKE_ANSWER);
  },
  "otel-openai": (spans, logs) => {
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(chats).toHaveLength(3);
    expect(chats.every((s) => num(s.attrs["gen_ai.usage.input_tokens"]) === 42)).toBe(true);
    one(spans, "gen_ai.operation.name", "embeddings");
    const names = new Set(logs.map((l) => l.eventName));
    for (const name of [
      "gen_ai.system.message",
      "gen_ai.user.message",
      "gen_ai.tool.message",
      "gen_ai.choice",
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    expect(logs.every((l) => chats.some((s) => s.spanId === l.spanId))).toBe(true);
  },
  "openinference-openai-agents": (spans) => {
    expect(traces(spans)).toBe(1);
    one(spans, "openinference.span.kind", "AGENT");
    const tool = one(spans, "openinference.span.kind", "TOOL");
    expect(tool.attrs["tool.name"]).toBe("get_weather");
    expect(json(tool.attrs["output.value"])).toMatchObject({ city: "Paris" });
    const llm = where(spans, "openinference.span.kind", "LLM");
    expect(llm).toHaveLength(2);
    expect(llm.every((s) => num(s.attrs["llm.token_count.prompt"]) === 42)).toBe(true);
    expectTree(spans);
  },
  "openinference-langchain": (spans) => {
    expect(traces(spans)).toBe(1);
    const chain = one(spans, "openinference.span.kind", "CHAIN");
    expect(chain.parentSpanId ?? "").toBe("");
    expect(chain.attrs["session.id"]).toMatch(/^session-/);
    expect(one(spans, "openinference.span.kind", "TOOL").attrs["tool.name"]).toBe("get_weather");
    OPENINFERENCE_LLM(spans, []);
    expectTree(spans);
  },
  langfuse: (spans) => {
    expect(traces(spans)).toBe(1);
    one(spans, "langfuse.observation.type", "agent");
    const generations = where(spans, "langfuse.observation.type", "generation");
    expect(generations).toHaveLength(2);
    expect(json(generations[0]?.attrs["langfuse.observation.usage_details"])).toMatchObject({
      input: 42,
      output: 7,
    });
    expect(generations[0]?.attrs["langfuse.observation.model.name"]).toBe("gpt-4o-mini");
    expect(one(spans, "langfuse.observation.type", "tool").name).toBe("get_weather");
    expect(spans.every((s) => String(s.attrs["user.id"]).startsWith("user-"))).toBe(true);
    expect(spans.every((s) => String(s.attrs["session.id"]).startsWith("session-"))).toBe(true);
    expectTree(spans);
  },
  genkit: (spans) => {
    expect(traces(spans)).toBe(1);
    one(spans, "genkit:metadata:subtype", "flow");
    expect(one(spans, "genkit:metadata:subtype", "tool").attrs["genkit:name"]).toBe("get_weather");
    const models = where(spans, "genkit:metadata:subtype", "model");
    expect(models).toHaveLength(2);
    expect(json(models[0]?.attrs["genkit:output"])).toMatchObject({
      usage: { inputTokens: 42, outputTokens: 7 },
    });
    expectTree(spans);
  },
  "pydantic-ai": (spans) => {
    const agent = one(spans, "gen_ai.operation.name", "invoke_agent");
    expect(agent.name).toBe("invoke_agent weather_agent");
    expect(json(agent.attrs["pydantic_ai.all_messages"])).toHaveLength(4);
    expect(agent.attrs.final_result).toBe(FAKE_ANSWER);
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(chats).toHaveLength(4);
    expect(json(chats[0]?.attrs["gen_ai.output.messages"])).toMatchObject([{ finish_reason: "tool_call" }]);
    expect(one(spans, "gen_ai.operation.name", "execute_tool").attrs["gen_ai.tool.call.arguments"]).toBe(
      '{"city":"Paris"}',
    );
    const legacyTool = spans.find((s) => s.name === "running tool");
    expect(legacyTool?.attrs.tool_arguments).toBe('{"city":"Paris"}');
    expect(json(legacyTool?.attrs.tool_response)).toMatchObject({ forecast: "sunny" });
    expectTree(spans);
  },
  openlit: (spans) => {
    one(spans, "gen_ai.operation.name", "invoke_workflow");
    one(spans, "gen_ai.operation.name", "invoke_agent");
    one(spans, "gen_ai.operation.name", "execute_tool");
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(chats).toHaveLength(4);
    expect(chats.every((s) => typeof s.attrs["gen_ai.usage.cost"] === "number")).toBe(true);
    const legacy = chats.filter((s) => (s.events ?? []).some((e) => e.name === "gen_ai.content.prompt"));
    expect(legacy).toHaveLength(2);
    expectTree(spans);
  },
  "google-adk": (spans) => {
    const invocation = spans.find((s) => s.name === "invocation");
    expect(invocation?.flags).toBe(0x300);
    expect(where(spans, "gen_ai.system", "gcp.vertex.agent")).toHaveLength(2);
    const tool = one(spans, "gen_ai.operation.name", "execute_tool");
    expect(json(tool.attrs["gcp.vertex.agent.tool_call_args"])).toEqual({ city: "Paris" });
    expect(json(tool.attrs["gcp.vertex.agent.tool_response"])).toMatchObject({ forecast: "sunny" });
    one(spans, "gen_ai.operation.name", "invoke_agent");
    expectTree(spans);
  },
  "semantic-kernel": (spans, logs) => {
    one(spans, "gen_ai.operation.name", "invoke_agent");
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(chats).toHaveLength(2);
    expect(one(spans, "gen_ai.operation.name", "execute_tool").attrs["gen_ai.tool.name"]).toBe(
      "WeatherPlugin-get_weather",
    );
    const names = logs.map((l) => l.eventName);
    for (const name of [
      "gen_ai.system.message",
      "gen_ai.user.message",
      "gen_ai.assistant.message",
      "gen_ai.tool.message",
      "gen_ai.choice",
    ]) {
      expect(names, name).toContain(name);
    }
    expect(logs.every((l) => chats.some((s) => s.spanId === l.spanId))).toBe(true);
    expectTree(spans);
  },
  "otel-genai-semconv": (spans, logs) => {
    one(spans, "gen_ai.operation.name", "invoke_workflow");
    one(spans, "gen_ai.operation.name", "invoke_agent");
    expect(one(spans, "gen_ai.operation.name", "execute_tool").attrs["gen_ai.tool.call.id"]).toBe(
      "call_weather_1",
    );
    const chats = where(spans, "gen_ai.operation.name", "chat");
    expect(json(chats[1]?.attrs["gen_ai.input.messages"])).toHaveLength(3);
    const details = logs.filter((l) => l.eventName === "gen_ai.client.inference.operation.details");
    expect(details).toHaveLength(2);
    expect(Array.isArray(details[0]?.attrs["gen_ai.input.messages"])).toBe(true);
    expectTree(spans);
  },
};

// ---- the apps, run live ----

describe("instrumentation-family apps", () => {
  const openai = useFakeOpenAI();

  it.each(Object.keys(FAMILY_APPS) as NpmFamily[])(
    "%s: the app's spans are those its family is known for",
    async (family) => {
      const sink = await OtlpSink.start(async () => ({ status: 200, body: Buffer.from("{}") }));
      try {
        const run = await runFamilyApp(family, sink.url, openai.url, `t${Date.now()}`);
        const spans = flattenSpans(mergeTraces(sink.requests));
        const logs = flattenLogs(mergeLogs(sink.requests));
        expect(spans.length).toBeGreaterThan(0);
        expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set(run.traceIds));
        // The JavaScript SDK sends HAS_IS_REMOTE plus the sampled trace flag; no parent is remote.
        expect(new Set(spans.map((s) => s.flags))).toEqual(new Set([0x101]));
        CHECKS[family]?.(spans, logs);
      } finally {
        await sink.close();
      }
    },
    60_000,
  );
});

// ---- the committed fixtures ----

const fixtureFiles = readdirSync(fixturesDir).filter((f) => f.endsWith(".otlp.json"));

describe("family fixtures", () => {
  it("has one fixture per npm family and per Python family", () => {
    const families = fixtureFiles.map((f) => f.replace(/\.otlp\.json$/, ""));
    for (const family of Object.keys(FAMILY_APPS)) expect(families).toContain(family);
    for (const family of ["pydantic-ai", "openlit", "google-adk", "semantic-kernel", "otel-genai-semconv"]) {
      expect(families).toContain(family);
    }
  });

  it.each(fixtureFiles)("%s is OTLP JSON with the family's spans", (file) => {
    const family = file.replace(/\.otlp\.json$/, "");
    const request = JSON.parse(readFileSync(new URL(file, fixturesDir), "utf8")) as unknown;
    const spans = flattenSpans(request);
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      if (s.parentSpanId) expect(s.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
      expect(String(s.startTimeUnixNano)).toMatch(/^\d{19}$/);
      expect(BigInt(s.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(s.startTimeUnixNano));
      expect((s.flags ?? 0) & 0x100).toBe(0x100);
    }
    const logsUrl = new URL(file.replace(/\.otlp\.json$/, ".otlp-logs.json"), fixturesDir);
    const logFile = readdirSync(fixturesDir).includes(file.replace(/\.otlp\.json$/, ".otlp-logs.json"));
    const logs = logFile ? flattenLogs(JSON.parse(readFileSync(logsUrl, "utf8"))) : [];
    const check = CHECKS[family];
    expect(check, `a check for ${family}`).toBeDefined();
    check?.(spans, logs);
  });
});

// ---- the fake server's other endpoints (the apps use chat completions and non-streamed Responses) ----

describe("fake OpenAI server", () => {
  const openai = useFakeOpenAI();
  let client: OpenAI;
  beforeAll(() => {
    client = new OpenAI({ baseURL: openai.url, apiKey: "sk-fake-key", maxRetries: 0 });
  });

  it("streams the Responses API: a tool call first, then text after the tool output", async () => {
    const tools = [
      {
        type: "function" as const,
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
        strict: false,
      },
    ];
    const first = await client.responses
      .stream({ model: "gpt-4o", input: "Weather?", tools })
      .finalResponse();
    const call = first.output[0];
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(first.usage).toMatchObject({ input_tokens: 42, output_tokens: 7 });
    const second = await client.responses
      .stream({
        model: "gpt-4o",
        input: [
          { role: "user", content: "Weather?" },
          { type: "function_call_output", call_id: (call as { call_id: string }).call_id, output: "sunny" },
        ],
        tools,
      })
      .finalResponse();
    expect(second.output_text).toBe(FAKE_ANSWER);
    expect(second.model).toBe("gpt-4o");
  });

  it("lists models and answers embeddings in float and base64 form", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4o-mini");
    const embedded = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    expect(embedded.data).toHaveLength(2);
    expect(embedded.data[0]?.embedding[0]).toBeCloseTo(0.1);
    const floats = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "a",
      encoding_format: "float",
    });
    expect(floats.data[0]?.embedding).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(openai.requests.map((r) => r.path)).toContain("/v1/embeddings");
  });
});
