import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const app = fileURLToPath(new URL("../apps/workflow-app.ts", import.meta.url));

export type Scenario = "ok" | "skill-fails" | "timeout";

/** Runs test/apps/workflow-app.ts (real NodeSDK + real OTLP exporter) against execlens. */
export async function runWorkflowApp(
  tracesUrl: string,
  protocol: "json" | "protobuf",
  scenario: Scenario,
): Promise<{ traceId: string; executionId: string }> {
  const { stdout } = await run(tsx, [app, tracesUrl, protocol, scenario], {
    env: { ...process.env, OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}
