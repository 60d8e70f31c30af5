import { isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, pino } from "pino";
import { ConfigError } from "./config.js";
import { serializeError } from "./log-error.js";
import { SELF_TELEMETRY_ATTRIBUTE } from "./model/index.js";

const TRACES_EXPORTERS = new Set(["otlp", "console", "zipkin", "none"]);
const OTLP_PROTOCOLS = new Set(["http/protobuf", "http/json", "grpc"]);

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/**
 * Whether the standard variables ask for traces: OTEL_TRACES_EXPORTER set (and not `none`), or
 * an OTLP endpoint given. Unlike the SDK's default, no variable means no export — the default
 * endpoint, localhost:4318, is usually execlens itself.
 */
function selfTelemetryRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = list(env.OTEL_TRACES_EXPORTER);
  if (exporters.includes("none")) return false;
  return (
    exporters.length > 0 || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT)
  );
}

function validate(env: NodeJS.ProcessEnv): void {
  for (const exporter of list(env.OTEL_TRACES_EXPORTER)) {
    if (!TRACES_EXPORTERS.has(exporter)) {
      throw new ConfigError(
        "OTEL_TRACES_EXPORTER",
        `unknown exporter "${exporter}"; use otlp, console, zipkin or none`,
      );
    }
  }
  for (const key of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    const protocol = env[key]?.trim();
    if (protocol && !OTLP_PROTOCOLS.has(protocol)) {
      throw new ConfigError(key, `unknown protocol "${protocol}"; use http/protobuf, http/json or grpc`);
    }
  }
  for (const key of ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]) {
    const endpoint = env[key];
    if (endpoint && !URL.canParse(endpoint))
      throw new ConfigError(key, `not a URL (got ${JSON.stringify(endpoint)})`);
  }
}

export interface SelfTelemetry {
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

/**
 * execlens' own traces (an `execlens.ingest` span per request, a span per API request) through
 * @opentelemetry/sdk-node, configured by the standard OTEL_* variables; undefined when they do
 * not ask for traces. No instrumentations: the exporter's own requests make no spans, and the
 * resource is marked so that execlens never stores its own spans. The SDK is loaded only then.
 */
export async function startSelfTelemetry(env: NodeJS.ProcessEnv): Promise<SelfTelemetry | undefined> {
  validate(env);
  if (!selfTelemetryRequested(env)) return undefined;
  const { NodeSDK, resources } = await import("@opentelemetry/sdk-node");
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ? undefined : "execlens",
    resource: resources.resourceFromAttributes({ [SELF_TELEMETRY_ATTRIBUTE]: true }),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/**
 * JSON logs on stdout; a line written inside a traced request carries its trace and span id. Errors
 * are logged without the values of a failed statement (serializeError).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "execlens" },
    serializers: { err: serializeError },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span !== undefined && isSpanContextValid(span)
        ? { trace_id: span.traceId, span_id: span.spanId }
        : {};
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
