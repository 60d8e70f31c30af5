import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { RecordedSpan } from "../apps/instrumented-app-data.js";

const run = promisify(execFile);
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const app = fileURLToPath(new URL("../apps/workflow-app.ts", import.meta.url));
const aiSdkApp = fileURLToPath(new URL("../apps/ai-sdk-app.ts", import.meta.url));
const instrumentedApp = fileURLToPath(new URL("../apps/instrumented-app.ts", import.meta.url));
const toolModelApp = fileURLToPath(new URL("../apps/tool-model-app.ts", import.meta.url));
const appEnv = { ...process.env, OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" };

/** Runs a test app under tsx and parses the JSON it prints last. */
async function runApp<T>(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<T> {
  const { stdout } = await run(tsx, [script, ...args], { env: { ...appEnv, ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as T;
}

export type Scenario = "ok" | "skill-fails" | "timeout";

/** Runs test/apps/workflow-app.ts (real NodeSDK + real OTLP exporter) against execlens. */
export async function runWorkflowApp(
  tracesUrl: string,
  protocol: "json" | "protobuf",
  scenario: Scenario,
): Promise<{ traceId: string; executionId: string }> {
  return runApp(app, [tracesUrl, protocol, scenario]);
}

export type AiSdkVariant = "4" | "5" | "6" | "7" | "7-genai";

export interface AiSdkRun {
  readonly generate: { functionId: string; tokens: number };
  readonly stream: { functionId: string; tokens: number };
  /** ai 5 only: a generateObject and an embed. */
  readonly object: { functionId: string; tokens: number; value: unknown };
  readonly embed: { functionId: string; tokens: number };
  /** The declared workflow both calls ran in, with `inWorkflow`. */
  readonly workflowName: string;
  readonly ids: { companionId: string; userId: string; sessionId: string };
}

/** Runs test/apps/ai-sdk-app.ts (a real AI SDK major with its mock models, real NodeSDK + OTLP exporter). */
export async function runAiSdkApp(
  tracesUrl: string,
  variant: AiSdkVariant,
  runId: string,
  inWorkflow = false,
): Promise<AiSdkRun> {
  return runApp(aiSdkApp, [tracesUrl, variant, runId, ...(inWorkflow ? ["in-workflow"] : [])]);
}

/**
 * Runs the AI SDK app as a server handling a request whose `traceparent` is given (the trace
 * was started by a caller), exporting OTLP JSON when asked.
 */
export async function runAiSdkAppBehindCaller(
  tracesUrl: string,
  variant: AiSdkVariant,
  runId: string,
  traceparent: string,
  encoding: "protobuf" | "json" = "protobuf",
): Promise<AiSdkRun> {
  return runApp(aiSdkApp, [tracesUrl, variant, runId, `behind-caller:${traceparent}`], {
    OTLP_ENCODING: encoding,
  });
}

/**
 * Runs test/apps/instrumented-app.ts (instrumentation-pg and -http): a request whose workflow's
 * skill fails once, then runs two queries and one HTTP call; with the spans the app recorded.
 */
export async function runInstrumentedApp(
  tracesUrl: string,
  databaseUrl: string,
  httpUrl: string,
  runId: string,
): Promise<{ workflowName: string; spans: RecordedSpan[] }> {
  return runApp(instrumentedApp, [tracesUrl, databaseUrl, httpUrl, runId]);
}

/** Runs test/apps/tool-model-app.ts: an AI SDK call whose tool calls a model. */
export async function runToolModelApp(tracesUrl: string, runId: string): Promise<{ functionId: string }> {
  return runApp(toolModelApp, [tracesUrl, runId]);
}
