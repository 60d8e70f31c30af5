/**
 * An app instrumented with @opentelemetry/instrumentation-pg and -http (real NodeSDK, real OTLP
 * exporter): one workflow whose skill runs one PostgreSQL query and one HTTP call.
 *
 * argv: <otlp traces url> <postgres url> <http url to GET> <run id>
 */
import { createRequire } from "node:module";
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";

const [url, databaseUrl, httpUrl, runId] = process.argv.slice(2);
if (url === undefined || databaseUrl === undefined || httpUrl === undefined || runId === undefined) {
  throw new Error("usage: instrumented-app.ts <otlp url> <postgres url> <http url> <run id>");
}

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ "service.name": "orders-app" }),
  traceExporter: new OTLPTraceExporter({ url }),
  instrumentations: [new HttpInstrumentation(), new PgInstrumentation()],
});
sdk.start();
// Loaded through require after sdk.start(): the instrumentations patch what require returns
// (an ESM app would start node with --import @opentelemetry/instrumentation/hook.mjs instead).
const require = createRequire(import.meta.url);
const pg = require("pg") as typeof import("pg");
const http = require("node:http") as typeof import("node:http");

const get = (target: string) =>
  new Promise<number>((resolve, reject) => {
    http
      .request(target, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      })
      .on("error", reject)
      .end();
  });

const tracer = trace.getTracer("orders-app");
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
await tracer.startActiveSpan(
  "orders",
  { attributes: { "workflow.name": `orders-${runId}` } },
  async (workflow) => {
    await tracer.startActiveSpan(
      "check stock",
      { attributes: { "skill.name": "check-stock" } },
      async (skill) => {
        await client.query("SELECT 1 AS in_stock");
        await get(httpUrl);
        skill.end();
      },
    );
    workflow.end();
  },
);
await client.end();
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ workflowName: `orders-${runId}` })}\n`);
