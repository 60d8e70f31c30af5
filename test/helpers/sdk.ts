import {
  type Attributes,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";

export type Protocol = "json" | "protobuf";

export function otlpExporter(protocol: Protocol, url: string): SpanExporter {
  return protocol === "json" ? new JsonExporter({ url }) : new ProtobufExporter({ url });
}

/**
 * An in-process SDK tracer whose spans each leave on their own export the moment they end
 * (SimpleSpanProcessor), so a test controls what execlens has seen at every point.
 */
export function sdkTracer(exporter: SpanExporter) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "sdk-test" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("sdk-test");
  return {
    provider,
    /** `startTime`: when the span began (ms since the epoch), where a test asserts its duration; now without it. */
    start(name: string, attributes: Attributes, parent?: Span, startTime?: number): Span {
      const ctx: Context = parent === undefined ? ROOT_CONTEXT : trace.setSpan(context.active(), parent);
      return tracer.startSpan(name, { attributes, startTime }, ctx);
    },
    fail(span: Span, message: string) {
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Real SDK spans, kept in memory so a test can encode them with the exporters' own serializers. */
export async function recordSpans(build: (t: ReturnType<typeof sdkTracer>) => void): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const t = sdkTracer(memory);
  build(t);
  await t.flush();
  const spans = memory.getFinishedSpans();
  await t.shutdown();
  return spans;
}
