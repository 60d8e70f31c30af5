/**
 * An app built on the Vercel AI SDK, instrumented the way its docs say: the real NodeSDK and
 * OTLP exporter, the SDK's own telemetry, its own mock models (no network). It runs a
 * `generateText` whose model asks for two tool calls and then answers, and a `streamText` (with
 * ai 5 also a `generateObject` and an `embed`), and prints what it fed the models (tokens) as JSON.
 *
 * With `in-workflow`, both calls run inside a span of a declared workflow (execlens
 * conventions), into which they fold. With `behind-caller:<traceparent>`, they run in the
 * app's server span for a request whose `traceparent` header was that (a caller that does not
 * export to execlens started the trace). `OTLP_ENCODING=json` exports OTLP JSON.
 *
 * argv: <otlp traces url> <4|5|6|7|7-genai> <run id> [in-workflow | behind-caller:<traceparent>]
 */
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";

const [url, variant, runId, placement] = process.argv.slice(2);
if (url === undefined || variant === undefined || runId === undefined) {
  throw new Error("usage: ai-sdk-app.ts <url> <4|5|6|7|7-genai> <run id>");
}

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ "service.name": "weather-app" }),
  traceExporter:
    process.env.OTLP_ENCODING === "json" ? new JsonExporter({ url }) : new OTLPTraceExporter({ url }),
});
sdk.start();

/** What the mock models report per request: [input, cached input, output, reasoning]. */
const GENERATE_USAGE = [
  [1200, 200, 50, 20],
  [1400, 1000, 80, 0],
] as const;
const STREAM_USAGE = [300, 0, 40, 0] as const;
const tokens = (u: readonly number[]) => (u[0] as number) + (u[2] as number);

const weatherSchema = {
  type: "object" as const,
  properties: { city: { type: "string" as const } },
  required: ["city"],
};
const weather = async ({ city }: { city: string }) => ({ city, temperature: city === "Lisbon" ? 21 : 18 });
const TOOL_CALLS = [
  { toolCallId: "call-1", toolName: "weather", city: "Lisbon" },
  { toolCallId: "call-2", toolName: "weather", city: "Porto" },
];
const ANSWER = "Sunny in Lisbon, mild in Porto.";
/** The tool calls as content parts (LanguageModelV2 and later). */
const toolCallParts = () =>
  TOOL_CALLS.map((c) => ({
    type: "tool-call" as const,
    toolCallId: c.toolCallId,
    toolName: c.toolName,
    input: JSON.stringify({ city: c.city }),
  }));
const ids = { companionId: `companion-${runId}`, userId: `user-${runId}`, sessionId: `session-${runId}` };
const generateId = `weather-bot-${runId}`;
const streamId = `streamer-${runId}`;
const objectId = `weather-object-${runId}`;
const embedId = `embedder-${runId}`;
const OBJECT = { city: "Lisbon" };
const OBJECT_USAGE = [90, 0, 12, 0] as const;
const EMBED_TOKENS = 7;

/** ai 5's usage shape (LanguageModelV2). */
const usageV2 = (u: readonly number[]) => ({
  inputTokens: u[0],
  outputTokens: u[2],
  totalTokens: tokens(u),
  cachedInputTokens: u[1],
  reasoningTokens: u[3],
});
/** ai 6 and 7 (LanguageModelV3 / V4). */
const usageV3 = (u: readonly number[]) => ({
  inputTokens: {
    total: u[0],
    noCache: (u[0] as number) - (u[1] as number),
    cacheRead: u[1],
    cacheWrite: 0,
  },
  outputTokens: { total: u[2], text: (u[2] as number) - (u[3] as number), reasoning: u[3] },
});

async function runAi4(): Promise<void> {
  const { generateText, jsonSchema, streamText, tool } = await import("ai4");
  const { MockLanguageModelV1, simulateReadableStream } = await import("ai4/test");
  let call = 0;
  const rawCall = { rawPrompt: null, rawSettings: {} };
  const model = new MockLanguageModelV1({
    modelId: "gpt-4o-mini",
    doGenerate: async () => {
      const u = GENERATE_USAGE[call++] as readonly number[];
      const usage = { promptTokens: u[0] as number, completionTokens: u[2] as number };
      if (call === 1) {
        return {
          rawCall,
          finishReason: "tool-calls",
          usage,
          toolCalls: TOOL_CALLS.map((c) => ({
            toolCallType: "function" as const,
            toolCallId: c.toolCallId,
            toolName: c.toolName,
            args: JSON.stringify({ city: c.city }),
          })),
        };
      }
      return { rawCall, finishReason: "stop", usage, text: ANSWER };
    },
  });
  await generateText({
    model,
    prompt: "What is the weather in Lisbon and Porto?",
    tools: {
      weather: tool({
        description: "weather",
        parameters: jsonSchema<{ city: string }>(weatherSchema),
        execute: weather,
      }),
    },
    maxSteps: 3,
    experimental_telemetry: { isEnabled: true, functionId: generateId, metadata: ids },
  });
  const streaming = new MockLanguageModelV1({
    modelId: "mystery-model",
    doStream: async () => ({
      rawCall,
      stream: simulateReadableStream({
        chunks: [
          { type: "text-delta" as const, textDelta: "Hello" },
          {
            type: "finish" as const,
            finishReason: "stop" as const,
            usage: { promptTokens: STREAM_USAGE[0], completionTokens: STREAM_USAGE[2] },
          },
        ],
      }),
    }),
  });
  const result = streamText({
    model: streaming,
    prompt: "Say hello",
    experimental_telemetry: { isEnabled: true, functionId: streamId, metadata: ids },
  });
  await result.consumeStream();
}

async function runAi5(): Promise<void> {
  const { generateText, jsonSchema, stepCountIs, streamText, tool } = await import("ai5");
  const { MockLanguageModelV2, convertArrayToReadableStream } = await import("ai5/test");
  let call = 0;
  const model = new MockLanguageModelV2({
    modelId: "gpt-4o-mini",
    doGenerate: async () => {
      const usage = usageV2(GENERATE_USAGE[call++] as readonly number[]);
      if (call === 1) {
        return {
          content: toolCallParts(),
          finishReason: "tool-calls",
          usage,
          warnings: [],
        };
      }
      return {
        content: [{ type: "text", text: ANSWER }],
        finishReason: "stop",
        usage,
        warnings: [],
      };
    },
  });
  await generateText({
    model,
    prompt: "What is the weather in Lisbon and Porto?",
    tools: {
      weather: tool({ description: "weather", inputSchema: jsonSchema(weatherSchema), execute: weather }),
    },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, functionId: generateId, metadata: ids },
  });
  const streaming = new MockLanguageModelV2({
    modelId: "mystery-model",
    doStream: async () => ({
      stream: convertArrayToReadableStream([
        { type: "text-start" as const, id: "t" },
        { type: "text-delta" as const, id: "t", delta: "Hello" },
        { type: "text-end" as const, id: "t" },
        { type: "finish" as const, finishReason: "stop" as const, usage: usageV2(STREAM_USAGE) },
      ]),
    }),
  });
  const result = streamText({
    model: streaming,
    prompt: "Say hello",
    experimental_telemetry: { isEnabled: true, functionId: streamId, metadata: ids },
  });
  await result.consumeStream();

  const { embed, generateObject } = await import("ai5");
  const { MockEmbeddingModelV2 } = await import("ai5/test");
  await generateObject({
    model: new MockLanguageModelV2({
      modelId: "gpt-4o-mini",
      doGenerate: async () => ({
        content: [{ type: "text", text: JSON.stringify(OBJECT) }],
        finishReason: "stop",
        usage: usageV2(OBJECT_USAGE),
        warnings: [],
      }),
    }),
    schema: jsonSchema<typeof OBJECT>(weatherSchema),
    prompt: "Weather in Lisbon as JSON",
    experimental_telemetry: { isEnabled: true, functionId: objectId, metadata: ids },
  });
  await embed({
    model: new MockEmbeddingModelV2<string>({
      modelId: "text-embedding-3-small",
      doEmbed: async () => ({ embeddings: [[0.1, 0.2, 0.3]], usage: { tokens: EMBED_TOKENS } }),
    }),
    value: "sunny",
    experimental_telemetry: { isEnabled: true, functionId: embedId, metadata: ids },
  });
}

/** What this app uses of ai 6 and ai 7, whose option types differ only where it does not matter here. */
interface AiModule {
  generateText(options: unknown): Promise<unknown>;
  streamText(options: unknown): { consumeStream(): Promise<void> };
  tool(tool: unknown): unknown;
  jsonSchema(schema: unknown): unknown;
  stepCountIs(count: number): unknown;
}

/** ai 6, and ai 7 whose telemetry goes through @ai-sdk/otel (legacy attributes or GenAI). */
async function runAi6or7(major: "6" | "7", genAi: boolean): Promise<void> {
  const ai = (major === "6" ? await import("ai6") : await import("ai7")) as unknown as AiModule;
  const { MockLanguageModelV3, convertArrayToReadableStream } =
    major === "6" ? await import("ai6/test") : await import("ai7/test");
  const telemetry = (functionId: string) => {
    if (major === "6") return { experimental_telemetry: { isEnabled: true, functionId, metadata: ids } };
    // ai 7: runtime context instead of metadata; the integration is registered below
    return {
      runtimeContext: ids,
      telemetry: { functionId, includeRuntimeContext: { companionId: true, userId: true, sessionId: true } },
    };
  };
  if (major === "7") {
    const { registerTelemetry } = await import("ai7");
    const { LegacyOpenTelemetry, OpenTelemetry } = await import("@ai-sdk/otel");
    registerTelemetry(genAi ? new OpenTelemetry({ runtimeContext: true }) : new LegacyOpenTelemetry());
  }
  let call = 0;
  const model = new MockLanguageModelV3({
    modelId: "gpt-4o-mini",
    doGenerate: async () => {
      const usage = usageV3(GENERATE_USAGE[call++] as readonly number[]);
      if (call === 1) {
        return {
          content: toolCallParts(),
          finishReason: { unified: "tool-calls" as const, raw: "tool_calls" },
          usage,
          warnings: [],
        };
      }
      return {
        content: [{ type: "text" as const, text: ANSWER }],
        finishReason: { unified: "stop" as const, raw: "stop" },
        usage,
        warnings: [],
      };
    },
  });
  await ai.generateText({
    model,
    prompt: "What is the weather in Lisbon and Porto?",
    tools: {
      weather: ai.tool({
        description: "weather",
        inputSchema: ai.jsonSchema(weatherSchema),
        execute: weather,
      }),
    },
    stopWhen: ai.stepCountIs(3),
    ...telemetry(generateId),
  });
  const streaming = new MockLanguageModelV3({
    modelId: "mystery-model",
    doStream: async () => ({
      stream: convertArrayToReadableStream([
        { type: "text-start" as const, id: "t" },
        { type: "text-delta" as const, id: "t", delta: "Hello" },
        { type: "text-end" as const, id: "t" },
        {
          type: "finish" as const,
          finishReason: { unified: "stop" as const, raw: "stop" },
          usage: usageV3(STREAM_USAGE),
        },
      ]),
    }),
  });
  await ai.streamText({ model: streaming, prompt: "Say hello", ...telemetry(streamId) }).consumeStream();
}

const runs: Record<string, () => Promise<void>> = {
  "4": runAi4,
  "5": runAi5,
  "6": () => runAi6or7("6", false),
  "7": () => runAi6or7("7", false),
  "7-genai": () => runAi6or7("7", true),
};
const runVariant = runs[variant];
if (runVariant === undefined) throw new Error(`unknown variant ${variant}`);
const workflowName = `support-flow-${runId}`;
if (placement === "in-workflow") {
  await trace
    .getTracer("weather-app")
    .startActiveSpan("support flow", { attributes: { "workflow.name": workflowName } }, async (span) => {
      await runVariant();
      span.end();
    });
} else if (placement?.startsWith("behind-caller:")) {
  // what the HTTP server instrumentation does with an incoming request's headers
  const incoming = propagation.extract(context.active(), {
    traceparent: placement.slice("behind-caller:".length),
  });
  await context.with(incoming, () =>
    trace
      .getTracer("weather-app")
      .startActiveSpan(
        "POST /chat",
        { kind: SpanKind.SERVER, attributes: { "http.request.method": "POST" } },
        async (span) => {
          await runVariant();
          span.end();
        },
      ),
  );
} else {
  await runVariant();
}
await sdk.shutdown();

process.stdout.write(
  `${JSON.stringify({
    generate: {
      functionId: generateId,
      tokens: GENERATE_USAGE.reduce((sum, u) => sum + tokens(u), 0),
      usage: GENERATE_USAGE,
    },
    stream: { functionId: streamId, tokens: tokens(STREAM_USAGE) },
    object: { functionId: objectId, tokens: tokens(OBJECT_USAGE), value: OBJECT },
    embed: { functionId: embedId, tokens: EMBED_TOKENS },
    workflowName,
    ids,
  })}\n`,
);
