/**
 * The instrumentation-family apps (test/apps/families/) and what runs them: one app per family,
 * run under tsx against the fake OpenAI server, exporting OTLP/HTTP JSON to a loopback sink whose
 * requests are merged into one ExportTraceServiceRequest (and one ExportLogsServiceRequest).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SunkRequest } from "./otlp-sink.js";

const run = promisify(execFile);
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const appsDir = new URL("../apps/families/", import.meta.url);

/** Family name (fixture file stem) → its app. */
export const FAMILY_APPS = {
  "openinference-openai": "openinference-openai.ts",
  "openllmetry-openai": "openllmetry-openai.ts",
  "openllmetry-openai-legacy": "openllmetry-openai-legacy.ts",
  "otel-openai": "otel-openai.ts",
  "openinference-openai-agents": "openinference-openai-agents.ts",
  "openinference-langchain": "openinference-langchain.ts",
  langfuse: "langfuse.ts",
  genkit: "genkit.ts",
} as const;

export type NpmFamily = keyof typeof FAMILY_APPS;

export interface FamilyRun {
  readonly traceIds: string[];
  readonly [key: string]: unknown;
}

/** Runs a family app (exporting OTLP JSON to `sinkUrl`) and parses the JSON line it prints last. */
export async function runFamilyApp(
  family: NpmFamily,
  sinkUrl: string,
  openaiBaseUrl: string,
  runId: string,
): Promise<FamilyRun> {
  const app = fileURLToPath(new URL(FAMILY_APPS[family], appsDir));
  const { stdout } = await run(tsx, [app, `${sinkUrl}/v1/traces`, openaiBaseUrl, runId], {
    env: {
      ...process.env,
      FAMILY_OTLP_ENCODING: "json",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
      OPENAI_API_KEY: "sk-fake-key",
      OPENAI_BASE_URL: openaiBaseUrl,
    },
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as FamilyRun;
}

type Json = Record<string, unknown>;

/** All `/v1/traces` JSON requests merged: `{resourceSpans: [...every request's...]}`. */
export function mergeTraces(requests: readonly SunkRequest[]): { resourceSpans: Json[] } {
  return {
    resourceSpans: requests
      .filter((r) => r.path === "/v1/traces")
      .flatMap(
        (r) => (JSON.parse(r.body.toString("utf8")) as { resourceSpans?: Json[] }).resourceSpans ?? [],
      ),
  };
}

/** All `/v1/logs` JSON requests merged: `{resourceLogs: [...]}`. */
export function mergeLogs(requests: readonly SunkRequest[]): { resourceLogs: Json[] } {
  return {
    resourceLogs: requests
      .filter((r) => r.path === "/v1/logs")
      .flatMap((r) => (JSON.parse(r.body.toString("utf8")) as { resourceLogs?: Json[] }).resourceLogs ?? []),
  };
}

// ---- reading OTLP JSON ----

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  flags?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; timeUnixNano: string | number; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number; message?: string };
}
export interface FlatSpan extends OtlpSpan {
  readonly scope: string;
  readonly resource: Record<string, unknown>;
  readonly attrs: Record<string, unknown>;
}

/** An OTLP AnyValue as plain JS: ints stay as the strings/numbers they were sent as. */
export function anyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return value.intValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return undefined;
}

export function attributes(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** Every span of an ExportTraceServiceRequest JSON, with its scope name and flattened attributes. */
export function flattenSpans(request: unknown): FlatSpan[] {
  const resourceSpans = (request as { resourceSpans?: unknown[] }).resourceSpans ?? [];
  return resourceSpans.flatMap((rs) => {
    const { resource, scopeSpans = [] } = rs as {
      resource?: { attributes?: OtlpKeyValue[] };
      scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
    };
    return scopeSpans.flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        ...span,
        scope: ss.scope?.name ?? "",
        resource: attributes(resource?.attributes),
        attrs: attributes(span.attributes),
      })),
    );
  });
}
