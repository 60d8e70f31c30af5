/**
 * What every family app shares: its arguments, the real NodeSDK with an OTLP exporter (protobuf,
 * or JSON when `FAMILY_OTLP_ENCODING=json`), an optional OTLP log pipeline (for instrumentations
 * that emit GenAI content as log records), and the JSON line the app prints last.
 *
 * argv of every app: <otlp traces url> <openai base url> <run id>
 */
import { OTLPLogExporter as JsonLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as ProtoLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface FamilyArgs {
  readonly tracesUrl: string;
  readonly openaiBaseUrl: string;
  readonly runId: string;
}

export function familyArgs(app: string): FamilyArgs {
  const [tracesUrl, openaiBaseUrl, runId] = process.argv.slice(2);
  if (tracesUrl === undefined || openaiBaseUrl === undefined || runId === undefined) {
    throw new Error(`usage: ${app} <otlp traces url> <openai base url> <run id>`);
  }
  // Clients that read the environment find the fake server and a dummy key.
  process.env.OPENAI_API_KEY ??= "sk-fake-key";
  process.env.OPENAI_BASE_URL = openaiBaseUrl;
  return { tracesUrl, openaiBaseUrl, runId };
}

const json = () => process.env.FAMILY_OTLP_ENCODING === "json";

/** The exporter the app sends its spans with, as its docs say (JSON when asked). */
export function traceExporter(tracesUrl: string): SpanExporter {
  return json() ? new JsonTraceExporter({ url: tracesUrl }) : new ProtoTraceExporter({ url: tracesUrl });
}

/** Passes spans on and notes their trace ids (for the line the app prints). */
export class TraceIdRecorder implements SpanExporter {
  readonly traceIds = new Set<string>();
  constructor(private readonly next: SpanExporter) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    for (const span of spans) this.traceIds.add(span.spanContext().traceId);
    this.next.export(spans, done);
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush?.() ?? Promise.resolve();
  }
}

export interface Telemetry {
  readonly sdk: NodeSDK;
  readonly recorder: TraceIdRecorder;
  /** Flushes and shuts the SDK down, then prints `{"traceIds":[…], …extra}` as the last line. */
  finish(extra?: Record<string, unknown>): Promise<void>;
}

/**
 * Starts the NodeSDK (batch span processor; `shutdown` flushes it). With `logs`, GenAI log
 * records go to the sibling `/v1/logs` of the traces URL.
 */
export function startTelemetry(options: {
  readonly serviceName: string;
  readonly tracesUrl: string;
  readonly instrumentations?: Instrumentation[];
  readonly logs?: boolean;
  /** The span processor around the exporter (default: a BatchSpanProcessor). */
  readonly spanProcessor?: (exporter: SpanExporter) => SpanProcessor;
}): Telemetry {
  const recorder = new TraceIdRecorder(traceExporter(options.tracesUrl));
  const logsUrl = options.tracesUrl.replace(/\/v1\/traces$/, "/v1/logs");
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [options.spanProcessor?.(recorder) ?? new BatchSpanProcessor(recorder)],
    ...(options.logs
      ? {
          logRecordProcessors: [
            new SimpleLogRecordProcessor({
              exporter: json()
                ? new JsonLogExporter({ url: logsUrl })
                : new ProtoLogExporter({ url: logsUrl }),
            }),
          ],
        }
      : {}),
    instrumentations: options.instrumentations ?? [],
  });
  sdk.start();
  return {
    sdk,
    recorder,
    finish: async (extra = {}) => {
      await sdk.shutdown();
      process.stdout.write(`${JSON.stringify({ traceIds: [...recorder.traceIds], ...extra })}\n`);
    },
  };
}

/** The weather tool every app offers the model. */
export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Get the current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string", description: "The city" } },
    required: ["city"],
    additionalProperties: false,
  },
} as const;

export const QUESTION = "What is the weather in Paris?";
export const SYSTEM = "You are a helpful weather assistant.";

export function getWeather({ city }: { city: string }): {
  city: string;
  forecast: string;
  temperatureC: number;
} {
  return { city, forecast: "sunny", temperatureC: 21 };
}
